/**
 * Data read from hosts (registered results, facts, set_fact values, loop items) is inert: rendering
 * never evaluates a template inside it, however it is passed on, as Ansible's unsafe marking does.
 * Otherwise a host's output holding `{{ hostvars.other.secret }}` would pull another host's
 * variables onto it. (The playbook's own variables are rendered when read: "/opt/{{ app }}".)
 *
 * The mark is by identity, never by text, so a host cannot stop a template of the playbook's own
 * from rendering by printing the same text: objects and lists are marked themselves; a string
 * bound directly to a variable name is marked through its binding (see withInertNames).
 */
const inertObjects = new WeakSet<object>();

/** The names of a vars object whose values are inert; a symbol, so spreads of the vars keep it. */
export const INERT_NAMES = Symbol('inert names');

type Vars = Record<string | symbol, unknown>;

/** Marks every object and list inside a value as inert; returns the value. */
export function markInert<T>(value: T): T {
  if (value === null || typeof value !== 'object' || inertObjects.has(value)) return value;
  inertObjects.add(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) markInert(item);
  return value;
}

/** The vars with these names' values marked inert too (for values that may be plain strings). */
export function withInertNames<T extends Record<string, unknown>>(vars: T, names: Iterable<string>): T {
  const inherited = (vars as Vars)[INERT_NAMES] as Set<string> | undefined;
  return Object.assign(vars, { [INERT_NAMES]: new Set([...(inherited ?? []), ...names]) });
}

/** Whether one step of a lookup lands on inert data: the container is inert, or the binding is. */
export function isInertStep(container: unknown, key: string): boolean {
  if (container === null || typeof container !== 'object') return false;
  if (inertObjects.has(container)) return true;
  const names = (container as Vars)[INERT_NAMES] as Set<string> | undefined;
  return names?.has(key) ?? false;
}

/** Whether a value is an inert object or list. */
export function isInertValue(value: unknown): boolean {
  return value !== null && typeof value === 'object' && inertObjects.has(value);
}
