/**
 * The lookups behind Ansible's `with_<lookup>` loops, as ansible-core 2.14 (and community.general,
 * for cartesian) computes them from the loop's terms once they are rendered. The loader checks
 * literal terms with them; the engine expands loops with them.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readBoolean } from '../bool-words.js';
import { isInertValue, markInert } from '../template/inert.js';
import { ArgumentSyntaxError, parseKv } from './key-value.js';
import { localFileCandidates, type LocalFileScope } from './local-files.js';

/** A loop's terms that no item can be made of; the message says why, as Ansible's does. */
export class LoopLookupError extends Error {
  override name = 'LoopLookupError';
}

type Dict = Record<string, unknown>;
/** Rendered terms: a list, or a map (a map's items are its keys, as Python iterates a dict). */
export type LoopTerms = unknown[] | Dict;

export interface LoopLookupContext {
  /** Where with_fileglob looks for relative patterns (the task's role, its file's and the playbook's directories). */
  scope: LocalFileScope;
  /** A number in [0, 1), for with_random_choice. */
  random?: () => number;
}

const isMap = (value: unknown): value is Dict => value !== null && typeof value === 'object' && !Array.isArray(value);
const entriesOf = (terms: LoopTerms): unknown[] => (Array.isArray(terms) ? terms : Object.keys(terms));

/** Ansible's listify_lookup_plugin_terms, for a value already rendered: text or a scalar is a list of one. */
export function listify(value: unknown): LoopTerms {
  return Array.isArray(value) || isMap(value) ? value : [value];
}

/** What Python's iteration of a value gives: a list's items, a dict's keys, a string's characters. */
function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isMap(value)) return Object.keys(value);
  if (typeof value === 'string') return [...value];
  const type =
    value === null || value === undefined
      ? 'NoneType'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'int'
          : 'float'
        : typeof value === 'boolean'
          ? 'bool'
          : typeof value;
  throw new LoopLookupError(`'${type}' object is not iterable: ${JSON.stringify(value)}`);
}

/** LookupBase._flatten: the lists among the terms give their items; one level only. */
function flattenOnce(terms: unknown): unknown[] {
  return iterate(terms).flatMap((term) => (Array.isArray(term) ? (term as unknown[]) : [term]));
}

const ofEachTerm = (terms: LoopTerms) => entriesOf(terms).map((term) => iterate(listify(term)));

/** `[start-]end[/stride][:format]`, each number decimal, 0x hex or 0 octal as Python's int(x, 0) reads it. */
const SHORTCUT = /^(?:(0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(?:\/(0?x?[0-9a-f]+))?(?::(.+))?$/is;

function readInteger(name: string, text: string): number {
  const match = /^\s*([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0+|[1-9]\d*))\s*$/.exec(text);
  if (!match) throw new LoopLookupError(`can't parse ${name}=${text} as integer`);
  const [, sign, hex, octal, binary, decimal] = match;
  const value =
    hex !== undefined
      ? Number.parseInt(hex, 16)
      : octal !== undefined
        ? Number.parseInt(octal, 8)
        : binary !== undefined
          ? Number.parseInt(binary, 2)
          : Number(decimal);
  return sign === '-' ? -value : value;
}

/** Python's `format % n` for a format with one conversion of an integer. */
function formatNumber(format: string, n: number): string {
  const spec = /%([-+ 0#]*)(\d+)?(?:\.(\d+))?([diouxXeEfFgGcrs])/.exec(format);
  if (!spec) throw new LoopLookupError(`problem formatting ${n} with '${format}'`);
  const [whole, flags, width, precision, type] = spec;
  const abs = Math.abs(n);
  const digits = (() => {
    switch (type) {
      case 'o':
        return (flags.includes('#') ? '0o' : '') + abs.toString(8);
      case 'x':
      case 'X': {
        const text = (flags.includes('#') ? '0x' : '') + abs.toString(16);
        return type === 'X' ? text.toUpperCase() : text;
      }
      case 'e':
      case 'E': {
        const text = abs.toExponential(Number(precision ?? 6)).replace(/e([+-])(\d)$/, 'e$10$2');
        return type === 'E' ? text.toUpperCase() : text;
      }
      case 'f':
      case 'F':
        return abs.toFixed(Number(precision ?? 6));
      case 'g':
      case 'G': {
        const p = Math.max(1, Number(precision ?? 6));
        const exponent = abs === 0 ? 0 : Math.floor(Math.log10(abs));
        const text =
          exponent < -4 || exponent >= p
            ? abs
                .toExponential(p - 1)
                .replace(/\.?0+e/, 'e')
                .replace(/e([+-])(\d)$/, 'e$10$2')
            : abs.toFixed(Math.max(0, p - 1 - exponent)).replace(/\.?0+$/, '');
        return type === 'G' ? text.toUpperCase() : text;
      }
      case 'c':
        return String.fromCodePoint(n);
      default:
        return precision !== undefined && 'diu'.includes(type)
          ? abs.toString().padStart(Number(precision), '0')
          : abs.toString();
    }
  })();
  if (type === 'c') return format.replace(whole, digits.padStart(Number(width ?? 0)));
  const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const size = Number(width ?? 0);
  const body = flags.includes('-')
    ? (sign + digits).padEnd(size)
    : flags.includes('0') && 'sr'.indexOf(type) < 0
      ? sign + digits.padStart(size - sign.length, '0')
      : (sign + digits).padStart(size);
  return format.replace(whole, () => body);
}

/** with_sequence's text: `start=1 end=5 stride=1 format=%d` (or `count=N`), or the shortcut form. */
export function parseSequence(term: unknown): string[] {
  if (typeof term !== 'string')
    throw new LoopLookupError(`with_sequence takes text such as 'start=1 end=5' or '1-5', not ${JSON.stringify(term)}`);
  let start = 1;
  let end: number | undefined;
  let count: number | undefined;
  let stride = 1;
  let format = '%d';
  const shortcut = SHORTCUT.exec(term);
  if (shortcut) {
    const [, first, last, step, form] = shortcut;
    if (first !== undefined) start = readInteger('start', first);
    end = readInteger('end', last);
    if (step !== undefined) stride = readInteger('stride', step);
    if (form !== undefined) format = form;
  } else {
    let options: Record<string, string>;
    try {
      const parsed = parseKv(term);
      options = parsed.rawParams === undefined ? parsed.options : { ...parsed.options, _raw_params: parsed.rawParams };
    } catch (error) {
      if (error instanceof ArgumentSyntaxError) throw new LoopLookupError(error.message);
      throw error;
    }
    const { start: a, end: b, count: c, stride: s, format: f, ...others } = options;
    if (a !== undefined) start = readInteger('start', a);
    if (b !== undefined) end = readInteger('end', b);
    if (c !== undefined) count = readInteger('count', c);
    if (s !== undefined) stride = readInteger('stride', s);
    if (f !== undefined) format = f;
    const unknown = Object.keys(others);
    if (unknown.length > 0)
      throw new LoopLookupError(
        `unrecognized arguments to with_sequence: [${unknown.map((k) => `'${k}'`).join(', ')}]`,
      );
  }
  if (count === undefined && end === undefined) throw new LoopLookupError('must specify count or end in with_sequence');
  if (count !== undefined && end !== undefined)
    throw new LoopLookupError("can't specify both count and end in with_sequence");
  if (count !== undefined) {
    if (count === 0) [start, end, stride] = [0, 0, 0];
    else end = start + count * stride - 1;
  }
  if (stride > 0 && end! < start) throw new LoopLookupError('to count backwards make stride negative');
  if (stride < 0 && end! > start) throw new LoopLookupError("to count forward don't make stride negative");
  if (format.split('%').length - 1 !== 1) throw new LoopLookupError(`bad formatting string: ${format}`);
  if (stride === 0) return [];
  const stop = end! + (stride > 0 ? 1 : -1);
  const length = Math.max(0, Math.ceil((stop - start) / stride));
  if (length > 100000) throw new LoopLookupError(`with_sequence gives ${length} items; at most 100000 are allowed`);
  return Array.from({ length }, (_, index) => formatNumber(format, start + index * stride));
}

/** Python's fnmatch for one name: `*`, `?` and `[...]` (`[!...]` negates); a leading dot only matches a dot. */
function globMatcher(pattern: string): (name: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    const close = char === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (close > 0) {
      const inside = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
      source += `[${inside.startsWith('!') ? `^${inside.slice(1)}` : inside}]`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (name) => (name.startsWith('.') && !pattern.startsWith('.') ? false : regex.test(name));
}

function globFiles(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const matches = globMatcher(pattern);
  return names
    .filter((name) => matches(name))
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * with_fileglob: the controller files matching each pattern, sorted. A bare pattern is looked for
 * in each directory of the task's search path (its files/ first), up to the first that has a match;
 * a pattern with a directory, in the first place that directory is found (as a copy src is).
 */
function fileglob(terms: LoopTerms, { scope }: LoopLookupContext): string[] {
  const out: string[] = [];
  for (const term of entriesOf(terms)) {
    if (typeof term !== 'string')
      throw new LoopLookupError(`with_fileglob takes patterns (text), not ${JSON.stringify(term)}`);
    const name = basename(term);
    const dirs =
      name === term
        ? localFileCandidates('files', '.', scope)
        : localFileCandidates('files', dirname(term), scope).filter(isDirectory).slice(0, 1);
    for (const dir of dirs) {
      const found = term.endsWith('/') ? [] : globFiles(dir, name);
      if (found.length > 0) {
        out.push(...found);
        break;
      }
    }
  }
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** with_subelements: `[list, 'key.path', {skip_missing}]`; item.0 is the element without its list. */
function subelements(terms: LoopTerms): unknown[] {
  const usage = 'with_subelements expects a list of two or three items';
  if (!Array.isArray(terms) || terms.length < 2 || terms.length > 3) throw new LoopLookupError(usage);
  const [first, path, flags = {}] = terms;
  const elements = listify(first);
  if (typeof path !== 'string')
    throw new LoopLookupError(`${usage}: first a dict or a list, second a string pointing to the subkey`);
  if (!isMap(flags) || Object.keys(flags).some((key) => key !== 'skip_missing'))
    throw new LoopLookupError(`${usage}: the optional third item must be a dict with flags ('skip_missing',)`);
  if (isMap(elements) && elements.skipped !== undefined && elements.skipped !== false) return [];
  const skipMissing = readBoolean(flags.skip_missing) === true;
  const keys = path.split('.');
  const out: unknown[] = [];
  for (const element of Array.isArray(elements) ? elements : Object.values(elements)) {
    if (!isMap(element))
      throw new LoopLookupError(`with_subelements expects a dictionary, got ${JSON.stringify(element)}`);
    if (element.skipped !== undefined && element.skipped !== false) continue;
    const copy = (value: Dict): Dict => (isInertValue(value) ? markInert({ ...value }) : { ...value });
    const outer = copy(element);
    let current = outer;
    let list: unknown[] = [];
    for (const [index, key] of keys.entries()) {
      if (!Object.hasOwn(current, key)) {
        if (skipMissing) continue;
        throw new LoopLookupError(`could not find '${key}' key in iterated item ${JSON.stringify(current)}`);
      }
      const value = current[key];
      if (index < keys.length - 1) {
        if (!isMap(value)) {
          if (skipMissing) continue;
          throw new LoopLookupError(`the key ${key} should point to a dictionary, got ${JSON.stringify(value)}`);
        }
        current = current[key] = copy(value);
      } else {
        if (!Array.isArray(value))
          throw new LoopLookupError(`the key ${key} should point to a list, got ${JSON.stringify(value)}`);
        list = value;
        delete current[key];
      }
    }
    for (const item of list) out.push([outer, item]);
  }
  return out;
}

function needsOne(name: string, terms: LoopTerms): unknown[][] {
  const lists = ofEachTerm(terms);
  if (lists.length === 0) throw new LoopLookupError(`with_${name} requires at least one element in each list`);
  return lists;
}

function nested(terms: LoopTerms): unknown[] {
  const [first, ...rest] = needsOne('nested', terms);
  let result: unknown[] = first;
  for (const list of rest) result = result.flatMap((x) => list.map((y) => flattenOnce([x, y])));
  return result.map((x) => flattenOnce(x));
}

function cartesian(terms: LoopTerms): unknown[] {
  const product = needsOne('cartesian', terms).reduce<unknown[][]>(
    (combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])),
    [[]],
  );
  return product.map((combo) => flattenOnce(combo));
}

function together(terms: LoopTerms): unknown[] {
  const lists = needsOne('together', terms);
  const length = Math.max(...lists.map((list) => list.length));
  return Array.from({ length }, (_, index) =>
    flattenOnce(lists.map((list) => (index < list.length ? list[index] : null))),
  );
}

/** Every `with_<name>` loop drover runs, by lookup name, with the items it makes of its rendered terms. */
export const LOOP_LOOKUPS: Readonly<Record<string, (terms: LoopTerms, context: LoopLookupContext) => unknown[]>> = {
  items: (terms) => flattenOnce(terms),
  list: (terms) => {
    if (!Array.isArray(terms)) throw new LoopLookupError('with_list expects a list');
    return terms;
  },
  dict: (terms) =>
    (Array.isArray(terms) ? terms : [terms]).flatMap((term) => {
      if (!isMap(term)) throw new LoopLookupError('with_dict expects a dict');
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    }),
  sequence: (terms) => entriesOf(terms).flatMap((term) => parseSequence(term)),
  fileglob,
  nested,
  cartesian,
  together,
  subelements,
  indexed_items: (terms) => {
    if (!Array.isArray(terms)) throw new LoopLookupError('with_indexed_items expects a list');
    return flattenOnce(terms).map((item, index) => [index, item]);
  },
  random_choice: (terms, { random = Math.random }) => {
    if (!Array.isArray(terms)) throw new LoopLookupError('with_random_choice expects a list');
    return terms.length === 0 ? [] : [terms[Math.floor(random() * terms.length)]];
  },
};
