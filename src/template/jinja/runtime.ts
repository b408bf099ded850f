/**
 * The runtime compiled templates call (see compiler.ts): Python semantics for every operation, and
 * the only way a template reaches a value. A template reads the keys of dicts, the items of lists,
 * the Python methods of str, list and dict, and nothing else: no JavaScript property, prototype or
 * constructor is reachable, and no JavaScript function but the engine's own can be called.
 */
import { types } from 'node:util';
import { DroverError } from '../../errors.js';
import { TemplateSyntaxError } from '../errors.js';
import { carrySecrets } from '../secret-flow.js';
import { DICT_METHODS, LIST_METHODS, markTemplateMade } from '../python/collection-methods.js';
import * as operators from '../python/operators.js';
import { pyRepr, pyStr } from '../python/repr.js';
import { STRING_METHODS } from '../python/string-methods.js';
import {
  compareValues,
  isMapping,
  makeTuple,
  Namespace,
  pyEquals,
  truthy,
  typeName,
  unwrap,
} from '../python/values.js';
import type { TemplateContext } from './context.js';
import { nunjucksRuntime } from './nunjucks.js';
import { readMember } from './scopes.js';
import { Undefined, requireDefined } from './undefined.js';

/** The line (1-based) of the template where each error was thrown, as compiled code last knew it. */
const errorLines = new WeakMap<object, number>();

export function lineOfError(error: unknown): number | undefined {
  return error !== null && typeof error === 'object' ? errorLines.get(error) : undefined;
}

function memberName(name: string, key: unknown, dotted: boolean): string {
  return dotted && typeof key === 'string' ? `${name}.${key}` : `${name}[${pyRepr(key)}]`;
}

function method<T>(self: T, table: Record<string, (self: T, args: unknown[]) => unknown>, key: string) {
  const fn = table[key];
  return (...args: unknown[]) => {
    const result = fn(self, args);
    carrySecrets([self, ...args], result);
    return result;
  };
}

function indexOf(length: number, key: unknown): number | undefined {
  if (typeof key !== 'number' || !Number.isInteger(key)) return undefined;
  const at = key < 0 ? key + length : key;
  return at >= 0 && at < length ? at : undefined;
}

/** x.key and x['key']: a dict's key, a list's or string's item, or a Python method. */
function memberLookup(context: TemplateContext, target: unknown, key: unknown, name: string, dotted: boolean): unknown {
  const obj = unwrap(target);
  const missing = (candidates: () => Iterable<string> = () => []) =>
    new Undefined(memberName(name, key, dotted), candidates);
  if (obj instanceof Undefined) return obj;
  const index = (value: string | unknown[]) => indexOf(value.length, key);
  if (typeof obj === 'string') {
    const at = index(obj);
    if (at !== undefined) return obj[at];
    return typeof key === 'string' && Object.hasOwn(STRING_METHODS, key) ? method(obj, STRING_METHODS, key) : missing();
  }
  if (Array.isArray(obj)) {
    const at = index(obj);
    if (at !== undefined) return readMember(obj as unknown as Record<string, unknown>, String(at), context.session);
    return typeof key === 'string' && Object.hasOwn(LIST_METHODS, key) ? method(obj, LIST_METHODS, key) : missing();
  }
  if (obj instanceof Namespace) {
    return obj.attributes.has(String(key)) ? obj.attributes.get(String(key)) : missing(() => obj.attributes.keys());
  }
  if (isMapping(obj)) {
    const text = typeof key === 'boolean' ? pyStr(key) : String(requireDefined(key));
    const isMethod = typeof key === 'string' && Object.hasOwn(DICT_METHODS, key) && !types.isProxy(obj);
    if (dotted && isMethod) return method(obj, DICT_METHODS, text);
    if (Object.hasOwn(obj, text)) return readMember(obj, text, context.session);
    if (isMethod) return method(obj, DICT_METHODS, text);
    return missing(() => Object.keys(obj));
  }
  return missing();
}

/** x[start:stop:step], as Python slices a list or a string. */
function sliceLookup(target: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const obj = unwrap(requireDefined(target));
  if (typeof obj !== 'string' && !Array.isArray(obj))
    throw new TemplateSyntaxError(`'${typeName(obj)}' object is not subscriptable`);
  const items: unknown[] = typeof obj === 'string' ? [...obj] : obj;
  const by = step === null || step === undefined ? 1 : Number(step);
  if (by === 0) throw new TemplateSyntaxError('slice step cannot be zero');
  const bound = (value: unknown, fallback: number) => {
    if (value === null || value === undefined) return fallback;
    const n = Number(requireDefined(value));
    const at = n < 0 ? n + items.length : n;
    return by > 0 ? Math.min(Math.max(at, 0), items.length) : Math.min(Math.max(at, -1), items.length - 1);
  };
  const from = bound(start, by > 0 ? 0 : items.length - 1);
  const to = bound(stop, by > 0 ? items.length : -1);
  const out: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]);
  return typeof obj === 'string' ? out.join('') : out;
}

function contextOrFrameLookup(context: TemplateContext, frame: { lookup(name: string): unknown }, name: string) {
  const value = frame.lookup(name);
  return value !== undefined ? value : context.lookup(name);
}

function callWrap(target: unknown, name: string, context: TemplateContext, args: unknown[]): unknown {
  const fn = unwrap(target);
  if (fn instanceof Undefined) throw fn.error();
  if (typeof fn !== 'function') throw new TemplateSyntaxError(`'${name}' is not callable (it is ${typeName(fn)})`);
  return fn.apply(context, args);
}

/** What {{ value }} writes: str(value), with None as empty text (Ansible's finalize). */
function suppressValue(value: unknown): string {
  const shown = unwrap(requireDefined(value));
  return shown === null || shown === undefined ? '' : pyStr(shown);
}

/** The value of a template that is one {{ expression }}: kept as it is (a list stays a list). */
function nativeValue(value: unknown): unknown {
  const result = unwrap(requireDefined(value));
  if (result === undefined) return '';
  if (typeof result === 'function' || result instanceof Namespace) return pyStr(result);
  return result;
}

function handleError(error: unknown, lineno: number): unknown {
  const wrapped =
    error instanceof DroverError
      ? error
      : new TemplateSyntaxError(error instanceof Error ? error.message : String(error), { cause: error });
  errorLines.set(wrapped, lineno + 1);
  return wrapped;
}

/** The items a for loop walks: a list, a string's characters, a dict's keys (or items for k, v). */
function iterate(value: unknown, names: number): unknown[] {
  const input = unwrap(requireDefined(value));
  if (Array.isArray(input)) return input;
  if (typeof input === 'string') return [...input];
  if (isMapping(input) && !(input instanceof Namespace))
    return names > 1 ? Object.entries(input).map((entry) => makeTuple(entry)) : Object.keys(input);
  throw new TemplateSyntaxError(`'${typeName(input)}' object is not iterable`);
}

function inOperator(needle: unknown, haystack: unknown): boolean {
  const item = unwrap(requireDefined(needle));
  const container = unwrap(requireDefined(haystack));
  if (typeof container === 'string') {
    if (typeof item !== 'string')
      throw new TemplateSyntaxError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((candidate) => pyEquals(candidate, item));
  if (isMapping(container) && !(container instanceof Namespace)) return Object.hasOwn(container, String(item));
  throw new TemplateSyntaxError(`argument of type '${typeName(container)}' is not iterable`);
}

function compareOne(operator: string, left: unknown, right: unknown): boolean {
  switch (operator) {
    case '==':
    case '===':
      return pyEquals(left, right);
    case '!=':
    case '!==':
      return !pyEquals(left, right);
    case '<':
      return compareValues(left, right, operator) < 0;
    case '<=':
      return compareValues(left, right, operator) <= 0;
    case '>':
      return compareValues(left, right, operator) > 0;
    default:
      return compareValues(left, right, operator) >= 0;
  }
}

/** a < b <= c, as Python chains comparisons. */
function compare(first: unknown, rest: Array<[string, unknown]>): boolean {
  let left = first;
  for (const [operator, right] of rest) {
    if (!compareOne(operator, left, right)) return false;
    left = right;
  }
  return true;
}

function makeDict(entries: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i += 2) {
    const key = unwrap(requireDefined(entries[i]));
    out[typeof key === 'string' ? key : pyStr(key)] = entries[i + 1];
  }
  return markTemplateMade(out);
}

function setAttribute(target: unknown, key: string, value: unknown): void {
  const obj = unwrap(requireDefined(target));
  if (!(obj instanceof Namespace)) throw new TemplateSyntaxError('cannot assign attribute on non-namespace object');
  obj.attributes.set(key, value);
}

function filterLoop(items: unknown[], keep: (item: unknown) => boolean): unknown[] {
  return items.filter((item) => keep(item));
}

function loopExtras(items: unknown[], index: number) {
  return {
    cycle: (...values: unknown[]) => {
      if (values.length === 0) throw new TemplateSyntaxError('no items for cycling given');
      return values[index % values.length];
    },
    previtem: index > 0 ? items[index - 1] : new Undefined('loop.previtem'),
    nextitem: index < items.length - 1 ? items[index + 1] : new Undefined('loop.nextitem'),
  };
}

/** The runtime object handed to compiled templates. */
export const runtime: Readonly<Record<string, unknown>> = Object.freeze({
  Frame: nunjucksRuntime.Frame,
  SafeString: nunjucksRuntime.SafeString,
  makeMacro: nunjucksRuntime.makeMacro,
  makeKeywordArgs: nunjucksRuntime.makeKeywordArgs,
  numArgs: nunjucksRuntime.numArgs,
  isArray: Array.isArray,
  markSafe: (value: unknown) => value,
  memberLookup,
  sliceLookup,
  contextOrFrameLookup,
  callWrap,
  suppressValue,
  nativeValue,
  handleError,
  iterate,
  filterLoop,
  loopExtras,
  inOperator,
  compare,
  truthy,
  or: (left: unknown, right: () => unknown) => (truthy(left) ? left : right()),
  and: (left: unknown, right: () => unknown) => (truthy(left) ? right() : left),
  not: (value: unknown) => !truthy(value),
  makeDict,
  makeList: (items: unknown[]) => markTemplateMade(items),
  makeTuple,
  setAttribute,
  add: operators.add,
  subtract: operators.subtract,
  multiply: operators.multiply,
  divide: operators.divide,
  floorDivide: operators.floorDivide,
  modulo: operators.modulo,
  power: operators.power,
  negate: operators.negate,
  plus: operators.plus,
  concat: operators.concat,
});
