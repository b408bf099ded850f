/** default, mandatory, ternary, and the filters that convert a value's type. */
import { boolFilter } from '../../bool-words.js';
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { Undefined } from '../jinja/undefined.js';
import { pyRepr, pyStr } from '../python/repr.js';
import { isMapping, truthy, typeName } from '../python/values.js';
import { getAttribute } from './attribute.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

function defaultFilter(input: unknown, ...args: unknown[]): unknown {
  const { default_value: fallback = '', boolean = false } = bindArguments('default', args, [
    'default_value',
    'boolean',
  ]);
  if (input instanceof Undefined || (truthy(boolean) && !truthy(input))) return fallback;
  return input;
}

/** Python's int(): text in a base, a float truncated; the default when it cannot be read. */
export function toInt(input: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (typeof input === 'boolean') return Number(input);
  if (typeof input === 'number') return Number.isFinite(input) ? Math.trunc(input) : fallback;
  if (typeof input !== 'string') return fallback;
  const text = input.trim().replace(/_/g, '').toLowerCase();
  const radix = Number(base);
  const prefixed = /^([-+]?)0([xob])([0-9a-f]+)$/.exec(text);
  if (prefixed && (radix === 0 || radix === { x: 16, o: 8, b: 2 }[prefixed[2] as 'x' | 'o' | 'b'])) {
    const value = Number.parseInt(prefixed[3], { x: 16, o: 8, b: 2 }[prefixed[2] as 'x' | 'o' | 'b']);
    return prefixed[1] === '-' ? -value : value;
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix || 10);
  if (new RegExp(`^[-+]?[${digits}]+$`).test(text)) return Number.parseInt(text, radix || 10);
  const float = toFloat(input, null);
  return typeof float === 'number' && Number.isFinite(float) ? Math.trunc(float) : fallback;
}

/** Python's float(): decimal text, inf and nan; the default when it cannot be read. */
export function toFloat(input: unknown, fallback: unknown = 0): unknown {
  if (typeof input === 'number') return input;
  if (typeof input === 'boolean') return Number(input);
  if (typeof input !== 'string') return fallback;
  const text = input.trim().replace(/_/g, '').toLowerCase();
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(text)) return Number(text);
  if (/^[-+]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(text)) return NaN;
  return fallback;
}

/** len(): of a string, a list or a dict. */
export function lengthOf(input: unknown): number {
  if (typeof input === 'string' || Array.isArray(input)) return input.length;
  if (isMapping(input)) return Object.keys(input).length;
  throw new TemplateSyntaxError(`object of type '${typeName(input)}' has no len()`);
}

function roundFilter(input: unknown, ...args: unknown[]): number {
  const { precision = 0, method = 'common' } = bindArguments('round', args, ['precision', 'method']);
  const value = Number(toFloat(input, NaN));
  const scale = 10 ** Number(precision);
  if (method === 'ceil') return Math.ceil(value * scale) / scale;
  if (method === 'floor') return Math.floor(value * scale) / scale;
  if (method !== 'common') throw new TemplateSyntaxError("method must be 'common', 'ceil' or 'floor'");
  // Python's round(): halves go to the even neighbour.
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  const rounded = scaled - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return rounded / scale;
}

export const CORE_FILTERS: Record<string, Filter> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory: (input, msg) => {
    if (!(input instanceof Undefined)) return input;
    if (msg !== undefined && msg !== null) throw new TemplateSyntaxError(pyStr(msg));
    throw input.error();
  },
  ternary: (input, whenTrue, whenFalse, whenNone = null) => {
    if ((input === null || input === undefined) && whenNone !== null) return whenNone;
    return truthy(input) ? whenTrue : whenFalse;
  },
  type_debug: (input) => typeName(input),
  bool: (input) => boolFilter(input),
  int: (input, ...args) => {
    const { default: fallback = 0, base = 10 } = bindArguments('int', args, ['default', 'base']);
    return toInt(input, fallback, base);
  },
  float: (input, ...args) => toFloat(input, bindArguments('float', args, ['default']).default ?? 0),
  string: (input) => pyStr(input),
  abs: (input) => Math.abs(Number(input)),
  round: roundFilter,
  length: (input) => lengthOf(input),
  count: (input) => lengthOf(input),
  attr: (input, name) => getAttribute(input, String(name)),
  safe: (input) => input,
  pprint: (input) => pyRepr(input),
};
