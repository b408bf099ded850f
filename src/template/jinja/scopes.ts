/**
 * Reading variables and keys. The task's variables, `vars`, and each host of `hostvars` are scopes:
 * a value read from a scope is rendered first, when it holds a template of the playbook's own
 * (app_dir: "/opt/{{ app }}"), and never when it was read from a host (see inert.ts). A host of
 * hostvars renders its variables with its own values (hostvars.web2.node_name uses web2's node_id).
 */
import { types } from 'node:util';
import { INERT_NAMES, isInertStep, isInertValue, withInertNames } from '../inert.js';
import type { RenderSession } from './session.js';

type Vars = Record<string, unknown>;

/** Scopes other than the task's variables, with the variables their templates render with. */
const scopes = new WeakMap<object, Vars | undefined>();
/** Mappings whose values are scopes (hostvars). */
const scopeMaps = new WeakSet<object>();

/** Marks an object whose values are variables, rendered when read (with `context`, if given). */
export function markScope<T extends object>(value: T, context?: Vars): T {
  if (!scopes.has(value)) scopes.set(value, context);
  return value;
}

/**
 * A scope's variable, rendered unless it is data from a host. hostvars (a Proxy computing each
 * host's variables on access, or a plain mapping) is passed on as it is.
 */
export function readVariable(scope: Vars, name: string, session: RenderSession, context?: Vars): unknown {
  const value = scope[name];
  if (isInertStep(scope, name) || isInertValue(value)) {
    session.noteInert();
    return value;
  }
  if (value !== null && typeof value === 'object' && (types.isProxy(value) || name === 'hostvars')) {
    scopeMaps.add(value);
    return value;
  }
  return session.renderVariable(value, context);
}

/** A key of a value: a variable when the value is a scope, a plain key (already rendered) otherwise. */
export function readMember(container: Vars, key: string, session: RenderSession): unknown {
  if (scopes.has(container)) return readVariable(container, key, session, scopes.get(container));
  const value = container[key];
  if (scopeMaps.has(container) && value !== null && typeof value === 'object' && !Array.isArray(value))
    return markScope(value, hostContext(session.vars, value as Vars));
  if (isInertStep(container, key) || isInertValue(value)) session.noteInert();
  return value;
}

/** The variables another host's templates render with: the task's, overridden by the host's own. */
function hostContext(vars: Vars, host: Vars): Vars {
  const own = new Set(Object.keys(host));
  const inherited = [...inertNamesOf(vars)].filter((name) => !own.has(name));
  const merged: Record<string | symbol, unknown> = { ...vars, ...host };
  delete merged[INERT_NAMES];
  return withInertNames(merged as Vars, [...inherited, ...inertNamesOf(host)]);
}

function inertNamesOf(vars: Vars): ReadonlySet<string> {
  return ((vars as Record<symbol, unknown>)[INERT_NAMES] as Set<string> | undefined) ?? new Set();
}
