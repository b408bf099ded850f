import { BECOME_VAR_NAMES, parseBoolWord } from '../connection/host-vars.js';
import type { BecomeOptions } from '../connection/types.js';
import type { TaskNode } from '../tree/types.js';
import { renderString } from '../template/render.js';
import { renderConnectionVar } from './connection-vars.js';
import type { PlayContext } from './run-context.js';

/**
 * Whether and how a task becomes another user. `become`/`become_user` on the task, then the play,
 * then the ansible_become* variables as the task sees them (inventory, play vars, vars_files, task
 * vars, extra vars; templates rendered, so a vault variable can hold the password), then -b and
 * --become-user. Without an ansible_become_password the password given with --ask-become-pass applies.
 */
export function resolveBecome(
  ctx: PlayContext,
  host: string,
  task: TaskNode,
  vars: Record<string, unknown>,
): BecomeOptions | undefined {
  const read = (names: readonly string[]): unknown => {
    for (const name of names) {
      const value = vars[name];
      if (value !== undefined && value !== null) return renderConnectionVar(host, name, value, vars);
    }
    return undefined;
  };
  const fromVars = read(BECOME_VAR_NAMES.become);
  const become =
    task.become ?? ctx.play.become ?? (fromVars !== undefined ? isTrue(fromVars) : (ctx.run.options.become ?? false));
  if (!become) return undefined;
  const keyword = task.becomeUser ?? ctx.play.becomeUser;
  const user =
    keyword !== undefined
      ? renderString(keyword, vars)
      : (read(BECOME_VAR_NAMES.user) ?? ctx.run.options.becomeUser ?? 'root');
  const password = read(BECOME_VAR_NAMES.password) ?? ctx.run.options.becomePassword;
  return { user: String(user), password: password === undefined ? undefined : String(password) };
}

function isTrue(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return typeof value === 'string' && parseBoolWord(value) === true;
}
