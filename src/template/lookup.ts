import { UndefinedVariableError } from './errors.js';
import { isInertStep, isInertValue } from './inert.js';

const MISSING = Symbol('missing');

/** Turns Ansible-style subscripts into a path: groups['backend'][0] -> ['groups', 'backend', '0']. */
export function splitPath(name: string): string[] {
  return name
    .replace(/\[\s*(['"])(.*?)\1\s*\]/g, '.$2')
    .replace(/\[\s*(\d+)\s*\]/g, '.$1')
    .split('.')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Looks a dotted path up in a stack of scopes (innermost last); MISSING when absent. */
export function lookupPath(scopes: readonly unknown[], name: string): unknown {
  if (name === '.') return scopes[scopes.length - 1];
  const [head, ...rest] = splitPath(name);
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope !== null && typeof scope === 'object' && head in (scope as object)) {
      return descend((scope as Record<string, unknown>)[head], rest);
    }
  }
  return MISSING;
}

/** Whether the lookup of a path passes through data read from a host (see inert.ts). */
export function isInertPath(scopes: readonly unknown[], name: string): boolean {
  const [head, ...rest] = splitPath(name);
  const scope = [...scopes]
    .reverse()
    .find((candidate) => candidate !== null && typeof candidate === 'object' && head in (candidate as object));
  if (scope === undefined) return false;
  let container: unknown = scope;
  for (const key of [head, ...rest]) {
    if (isInertStep(container, key)) return true;
    if (container === null || typeof container !== 'object' || !(key in (container as object))) return false;
    container = (container as Record<string, unknown>)[key];
  }
  return isInertValue(container);
}

function descend(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || current === undefined) return MISSING;
    if (typeof current === 'object' && key in (current as object)) {
      current = (current as Record<string, unknown>)[key];
    } else if (typeof current === 'string' && key === 'length') {
      current = current.length;
    } else {
      return MISSING;
    }
  }
  return current;
}

export function isMissing(value: unknown): boolean {
  return value === MISSING;
}

/** Strict lookup: an absent variable is an error naming it. */
export function lookupStrict(scopes: readonly unknown[], name: string): unknown {
  const value = lookupPath(scopes, name);
  if (value === MISSING) throw new UndefinedVariableError(name.trim());
  return value;
}
