/**
 * Python's rules for the values templates work on: truth, equality, ordering and type names, for
 * the JavaScript values drover's variables are (YAML and JSON data).
 */
import { nunjucksRuntime } from '../jinja/nunjucks.js';
import { isUndefined, requireDefined } from '../jinja/undefined.js';
import { TemplateSyntaxError } from '../errors.js';

const tuples = new WeakSet<readonly unknown[]>();

/** Marks a list as a tuple (dict.items(), zip, dictsort): it prints as (a, b), as in Python. */
export function makeTuple<T extends unknown[]>(items: T): T {
  tuples.add(items);
  return items;
}

export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && tuples.has(value);
}

/** A macro's output is a nunjucks SafeString: templates see it as the text it is. */
export function unwrap(value: unknown): unknown {
  return value instanceof nunjucksRuntime.SafeString ? value.val : value;
}

/** A dict: a map of names to values (not a list, not None, not a function). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !isUndefined(value) &&
    !(value instanceof nunjucksRuntime.SafeString)
  );
}

/** Python's bool(value); an undefined value fails, naming it. */
export function truthy(input: unknown): boolean {
  const value = unwrap(requireDefined(input));
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' || Array.isArray(value)) return value.length > 0;
  if (isMapping(value) && !isNamespace(value)) return Object.keys(value).length > 0;
  return true;
}

/** Whether a value is a Jinja2 namespace() object. */
export function isNamespace(value: unknown): boolean {
  return value instanceof Namespace;
}

/** Jinja2's namespace(): attributes that a {% set ns.name = ... %} may change, inside loops too. */
export class Namespace {
  readonly attributes = new Map<string, unknown>();
}

/** Python's type(value).__name__ for a template value. */
export function typeName(input: unknown): string {
  const value = unwrap(input);
  if (isUndefined(value)) return 'AnsibleUndefined';
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return isTuple(value) ? 'tuple' : 'list';
  if (typeof value === 'function') return 'function';
  if (value instanceof Namespace) return 'Namespace';
  return 'dict';
}

/** Python's ==: 1 == 1.0 == True, lists and dicts by content, no type coercion otherwise. */
export function pyEquals(leftInput: unknown, rightInput: unknown): boolean {
  const left = unwrap(requireDefined(leftInput));
  const right = unwrap(requireDefined(rightInput));
  if (isNumeric(left) && isNumeric(right)) return Number(left) === Number(right);
  if (left === undefined || right === undefined) return (left ?? null) === (right ?? null);
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((item, index) => pyEquals(item, right[index]));
  if (isMapping(left) && isMapping(right) && !isNamespace(left) && !isNamespace(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && pyEquals(left[key], right[key]))
    );
  }
  return left === right;
}

function isNumeric(value: unknown): value is number | boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

/** Python's ordering of two values: numbers, strings, or lists of them; anything else fails. */
export function compareValues(leftInput: unknown, rightInput: unknown, operator = '<'): number {
  const left = unwrap(requireDefined(leftInput));
  const right = unwrap(requireDefined(rightInput));
  if (isNumeric(left) && isNumeric(right)) return Number(left) - Number(right);
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      if (!pyEquals(left[i], right[i])) return compareValues(left[i], right[i], operator);
    }
    return left.length - right.length;
  }
  throw new TemplateSyntaxError(
    `'${operator}' not supported between instances of '${typeName(left)}' and '${typeName(right)}'`,
  );
}
