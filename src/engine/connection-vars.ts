import { LOGIN_VAR_NAMES, PASSWORD_VAR_NAMES } from '../connection/host-vars.js';
import { registerSecret } from '../secrets/mask.js';
import { renderValue } from '../template/render.js';
import type { HostState } from './host-state.js';
import type { PlayContext } from './run-context.js';
import { buildTaskVars } from './task-vars.js';
import { DroverError } from '../errors.js';

/** A connection or become variable whose template cannot be rendered (an undefined variable, bad syntax). */
export class ConnectionVarError extends DroverError {
  override name = 'ConnectionVarError';
  constructor(
    readonly host: string,
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A host's login variables as a task of this play would see them: the same precedence as task
 * vars (inventory < play vars < vars_files < set_fact < extra vars), with templates rendered, so
 * `ansible_password: "{{ vault_ssh_password }}"` yields the vault value. The connection is opened
 * once per run, so the play that first contacts the host decides them.
 */
export function resolveLoginVars(ctx: PlayContext, host: HostState): Record<string, unknown> {
  const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, { vars: {} });
  const resolved: Record<string, unknown> = {};
  for (const name of LOGIN_VAR_NAMES) {
    const value = vars[name];
    if (value !== undefined && value !== null) resolved[name] = renderConnectionVar(host.name, name, value, vars);
  }
  return resolved;
}

/** Renders one connection variable; a password that comes out of it is registered as a secret. */
export function renderConnectionVar(
  host: string,
  name: string,
  value: unknown,
  vars: Record<string, unknown>,
): unknown {
  let rendered: unknown;
  try {
    rendered = renderValue(value, vars);
  } catch (error) {
    throw new ConnectionVarError(host, name, `host ${host}: cannot resolve ${name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (PASSWORD_VAR_NAMES.has(name)) registerSecret(rendered);
  return rendered;
}
