/** Filters on lists: first, last, join, min, max, sum, sort, unique, set operations, flatten, zip. */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments, splitArguments } from '../jinja/arguments.js';
import { requireDefined } from '../jinja/undefined.js';
import { pyStr } from '../python/repr.js';
import { compareValues, isMapping, makeTuple, pyEquals, truthy, typeName, unwrap } from '../python/values.js';
import { getAttribute } from './attribute.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

/** The items of a value as Python iterates it: a list, a string's characters, a dict's keys. */
export function itemsOf(input: unknown): unknown[] {
  const value = unwrap(requireDefined(input));
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  throw new TemplateSyntaxError(`'${typeName(value)}' object is not iterable`);
}

/** Jinja2's sort key: strings compared without case unless case_sensitive. */
function sortKey(caseSensitive: unknown, attribute: unknown) {
  return (item: unknown) => {
    const value = attribute === undefined || attribute === null ? item : getAttribute(item, attribute);
    return !truthy(caseSensitive ?? false) && typeof value === 'string' ? value.toLowerCase() : value;
  };
}

function sorted(items: unknown[], key: (item: unknown) => unknown, reverse = false): unknown[] {
  return [...items].sort((a, b) => compareValues(key(a), key(b)) * (reverse ? -1 : 1));
}

function extreme(input: unknown, args: unknown[], sign: 1 | -1, name: string): unknown {
  const { case_sensitive, attribute } = bindArguments(name, args, ['case_sensitive', 'attribute']);
  const items = itemsOf(input);
  if (items.length === 0) throw new TemplateSyntaxError(`${name}() arg is an empty sequence`);
  const key = sortKey(case_sensitive, attribute);
  return items.reduce((best, item) => (compareValues(key(item), key(best)) * sign < 0 ? item : best));
}

export function uniqueItems(items: unknown[], caseSensitive = true, attribute?: unknown): unknown[] {
  const out: unknown[] = [];
  const key = sortKey(caseSensitive, attribute);
  for (const item of items) if (!out.some((seen) => pyEquals(key(seen), key(item)))) out.push(item);
  return out;
}

function contains(items: unknown[], item: unknown): boolean {
  return items.some((candidate) => pyEquals(candidate, item));
}

function flatten(items: unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (skipNulls && (item === null || item === 'None' || item === 'null')) continue;
    if (Array.isArray(item) && (levels === undefined || levels >= 1))
      out.push(...flatten(item, levels === undefined ? undefined : levels - 1, skipNulls));
    else out.push(item);
  }
  return out;
}

function zip(lists: unknown[][], longest: boolean, fill: unknown): unknown[] {
  const length = lists.length === 0 ? 0 : Math[longest ? 'max' : 'min'](...lists.map((list) => list.length));
  return Array.from({ length }, (_, index) =>
    makeTuple(lists.map((list) => (index < list.length ? list[index] : fill))),
  );
}

/** A seeded generator for random(seed=...): the same numbers for the same seed on every run. */
function seeded(seed: unknown): () => number {
  let state = 2166136261;
  for (const char of pyStr(seed)) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const LIST_FILTERS: Record<string, Filter> = {
  first: (input) => itemsOf(input)[0] ?? null,
  last: (input) => {
    const items = itemsOf(input);
    return items.length > 0 ? items[items.length - 1] : null;
  },
  join: (input, ...args) => {
    const { d = '', attribute } = bindArguments('join', args, ['d', 'attribute']);
    const items = itemsOf(input).map((item) => (attribute === undefined ? item : getAttribute(item, attribute)));
    return items.map(pyStr).join(pyStr(d));
  },
  min: (input, ...args) => extreme(input, args, 1, 'min'),
  max: (input, ...args) => extreme(input, args, -1, 'max'),
  sum: (input, ...args) => {
    const { attribute, start = 0 } = bindArguments('sum', args, ['attribute', 'start']);
    return itemsOf(input).reduce<number>(
      (total, item) => total + Number(requireDefined(attribute === undefined ? item : getAttribute(item, attribute))),
      Number(start),
    );
  },
  sort: (input, ...args) => {
    const { reverse, case_sensitive, attribute } = bindArguments('sort', args, [
      'reverse',
      'case_sensitive',
      'attribute',
    ]);
    return sorted(itemsOf(input), sortKey(case_sensitive, attribute), truthy(reverse ?? false));
  },
  unique: (input, ...args) => {
    // Ansible's unique: Jinja2's, case-insensitive unless told otherwise.
    const { case_sensitive, attribute } = bindArguments('unique', args, ['case_sensitive', 'attribute']);
    return uniqueItems(itemsOf(input), truthy(case_sensitive ?? false), attribute);
  },
  union: (input, other) => uniqueItems([...itemsOf(input), ...itemsOf(other)]),
  intersect: (input, other) => uniqueItems(itemsOf(input).filter((item) => contains(itemsOf(other), item))),
  difference: (input, other) => uniqueItems(itemsOf(input).filter((item) => !contains(itemsOf(other), item))),
  symmetric_difference: (input, other) => {
    const a = itemsOf(input);
    const b = itemsOf(other);
    return uniqueItems([...a.filter((item) => !contains(b, item)), ...b.filter((item) => !contains(a, item))]);
  },
  flatten: (input, ...args) => {
    const { levels, skip_nulls = true } = bindArguments('flatten', args, ['levels', 'skip_nulls']);
    return flatten(
      itemsOf(input),
      levels === undefined || levels === null ? undefined : Number(levels),
      truthy(skip_nulls),
    );
  },
  reverse: (input) => {
    const value = unwrap(requireDefined(input));
    return typeof value === 'string' ? [...value].reverse().join('') : [...itemsOf(value)].reverse();
  },
  list: (input) => [...itemsOf(input)],
  batch: (input, count, fill) => {
    const size = Number(count);
    const items = itemsOf(input);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    const last = out[out.length - 1];
    if (fill !== undefined && last && last.length < size) last.push(...Array(size - last.length).fill(fill));
    return out;
  },
  slice: (input, slices, fill) => {
    const items = itemsOf(input);
    const count = Number(slices);
    const per = Math.floor(items.length / count);
    const extra = items.length % count;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = items.slice(offset, offset + size);
      offset += size;
      if (fill !== undefined && i >= extra && extra > 0) part.push(fill);
      out.push(part);
    }
    return out;
  },
  zip: (input, ...others) => zip([input, ...others].map(itemsOf), false, null),
  zip_longest: (input, ...args) => {
    const { positional, keywords } = splitArguments(args);
    return zip([input, ...positional].map(itemsOf), true, keywords.fillvalue ?? null);
  },
  product: (input, ...others) =>
    [input, ...others]
      .map(itemsOf)
      .reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]])
      .map((combo) => makeTuple(combo)),
  random: (input, ...args) => {
    const { start, step = 1, seed } = bindArguments('random', args, ['start', 'step', 'seed']);
    const next = seed === undefined || seed === null ? Math.random : seeded(seed);
    const value = unwrap(requireDefined(input));
    if (typeof value === 'number') {
      const from = Number(start ?? 0);
      const choices = Math.ceil((value - from) / Number(step));
      return from + Math.floor(next() * choices) * Number(step);
    }
    const items = itemsOf(value);
    return items[Math.floor(next() * items.length)];
  },
  shuffle: (input, ...args) => {
    const { seed } = bindArguments('shuffle', args, ['seed']);
    const next = seed === undefined || seed === null ? Math.random : seeded(seed);
    const items = [...itemsOf(input)];
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  },
};
