/** The str methods a template may call: 'a,b'.split(','), name.startswith('web'), ... */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { requireDefined } from '../jinja/undefined.js';
import { formatString } from './str-format.js';
import { pyStr } from './repr.js';
import { makeTuple, unwrap } from './values.js';

type Method = (self: string, args: unknown[]) => unknown;

const text = (value: unknown): string => {
  const input = unwrap(requireDefined(value));
  if (typeof input !== 'string') throw new TemplateSyntaxError(`expected a string, not ${pyStr(input)}`);
  return input;
};
const optionalText = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : text(value);

/** Python's str.split: on runs of whitespace without a separator, at most maxsplit times. */
export function pySplit(self: string, separator?: string, maxsplit = -1, fromRight = false): string[] {
  if (separator === '') throw new TemplateSyntaxError('empty separator');
  if (separator === undefined) {
    const words = self.trim().split(/\s+/).filter(Boolean);
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    const pattern = /\S+/g;
    const spans = [...self.matchAll(pattern)].map((match) => [match.index!, match.index! + match[0].length]);
    if (fromRight) {
      const cut = spans[spans.length - maxsplit - 1][1];
      return [self.slice(0, cut).trim(), ...words.slice(words.length - maxsplit)];
    }
    const start = spans[maxsplit][0];
    return [...words.slice(0, maxsplit), self.slice(start).replace(/\s+$/, '')];
  }
  const parts = self.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  if (fromRight) return [parts.slice(0, parts.length - maxsplit).join(separator), ...parts.slice(-maxsplit)];
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

/** Python's str.strip(chars): whitespace without chars, else any of those characters. */
export function pyStrip(self: string, chars: string | undefined, side: 'both' | 'left' | 'right'): string {
  const set = chars === undefined ? undefined : new Set(chars);
  const strip = (char: string) => (set ? set.has(char) : /\s/.test(char));
  let start = 0;
  let end = self.length;
  if (side !== 'right') while (start < end && strip(self[start])) start++;
  if (side !== 'left') while (end > start && strip(self[end - 1])) end--;
  return self.slice(start, end);
}

function affixes(value: unknown): string[] {
  const input = unwrap(requireDefined(value));
  return Array.isArray(input) ? input.map(text) : [text(input)];
}

function pyTitle(self: string): string {
  return self.replace(/[A-Za-z\u00C0-\uFFFF]+/g, (word) => word[0].toUpperCase() + word.slice(1).toLowerCase());
}

function justify(self: string, width: unknown, fill: unknown, where: 'left' | 'right' | 'center'): string {
  const size = Number(width);
  const pad = fill === undefined ? ' ' : text(fill);
  if (self.length >= size) return self;
  if (where === 'left') return self + pad.repeat(size - self.length);
  if (where === 'right') return pad.repeat(size - self.length) + self;
  const total = size - self.length;
  const left = Math.floor(total / 2) + (total & size & 1);
  return pad.repeat(left) + self + pad.repeat(total - left);
}

function find(self: string, args: unknown[], fromRight: boolean): number {
  const { sub, start, end } = bindArguments('find', args, ['sub', 'start', 'end']);
  const region = self.slice(Number(start ?? 0), end === undefined || end === null ? undefined : Number(end));
  const at = fromRight ? region.lastIndexOf(text(sub)) : region.indexOf(text(sub));
  return at === -1 ? -1 : at + Number(start ?? 0);
}

export const STRING_METHODS: Record<string, Method> = {
  split: (self, args) => {
    const { sep, maxsplit } = bindArguments('split', args, ['sep', 'maxsplit']);
    return pySplit(self, optionalText(sep), maxsplit === undefined ? -1 : Number(maxsplit));
  },
  rsplit: (self, args) => {
    const { sep, maxsplit } = bindArguments('rsplit', args, ['sep', 'maxsplit']);
    return pySplit(self, optionalText(sep), maxsplit === undefined ? -1 : Number(maxsplit), true);
  },
  splitlines: (self, args) => {
    const { keepends } = bindArguments('splitlines', args, ['keepends']);
    const lines = self.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
    return keepends ? lines : lines.map((line) => line.replace(/(\r\n|\r|\n)$/, ''));
  },
  strip: (self, args) => pyStrip(self, optionalText(args[0]), 'both'),
  lstrip: (self, args) => pyStrip(self, optionalText(args[0]), 'left'),
  rstrip: (self, args) => pyStrip(self, optionalText(args[0]), 'right'),
  startswith: (self, args) => affixes(args[0]).some((prefix) => self.startsWith(prefix)),
  endswith: (self, args) => affixes(args[0]).some((suffix) => self.endsWith(suffix)),
  removeprefix: (self, args) => (self.startsWith(text(args[0])) ? self.slice(text(args[0]).length) : self),
  removesuffix: (self, args) =>
    text(args[0]) !== '' && self.endsWith(text(args[0])) ? self.slice(0, -text(args[0]).length) : self,
  upper: (self) => self.toUpperCase(),
  lower: (self) => self.toLowerCase(),
  casefold: (self) => self.toLowerCase(),
  swapcase: (self) => [...self].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (self) => pyTitle(self),
  capitalize: (self) => self.charAt(0).toUpperCase() + self.slice(1).toLowerCase(),
  replace: (self, args) => {
    const { old, new: replacement, count } = bindArguments('replace', args, ['old', 'new', 'count']);
    const parts = self.split(text(old));
    const limit = count === undefined || Number(count) < 0 ? parts.length : Number(count) + 1;
    return [parts.slice(0, limit).join(text(replacement)), ...parts.slice(limit)].join(text(old));
  },
  find: (self, args) => find(self, args, false),
  rfind: (self, args) => find(self, args, true),
  index: (self, args) => {
    const at = find(self, args, false);
    if (at === -1) throw new TemplateSyntaxError('substring not found');
    return at;
  },
  count: (self, args) => (text(args[0]) === '' ? self.length + 1 : self.split(text(args[0])).length - 1),
  join: (self, args) => {
    const items = unwrap(requireDefined(args[0]));
    const list = typeof items === 'string' ? [...items] : Array.isArray(items) ? items : Object.keys(Object(items));
    return list.map(text).join(self);
  },
  format: (self, args) => formatString(self, args),
  zfill: (self, args) => {
    const width = Number(args[0]);
    const sign = /^[-+]/.test(self) ? self[0] : '';
    return sign + self.slice(sign.length).padStart(width - sign.length, '0');
  },
  ljust: (self, args) => justify(self, args[0], args[1], 'left'),
  rjust: (self, args) => justify(self, args[0], args[1], 'right'),
  center: (self, args) => justify(self, args[0], args[1], 'center'),
  partition: (self, args) => {
    const at = self.indexOf(text(args[0]));
    return makeTuple(
      at === -1 ? [self, '', ''] : [self.slice(0, at), text(args[0]), self.slice(at + text(args[0]).length)],
    );
  },
  rpartition: (self, args) => {
    const at = self.lastIndexOf(text(args[0]));
    return makeTuple(
      at === -1 ? ['', '', self] : [self.slice(0, at), text(args[0]), self.slice(at + text(args[0]).length)],
    );
  },
  isdigit: (self) => /^\d+$/.test(self),
  isdecimal: (self) => /^\d+$/.test(self),
  isnumeric: (self) => /^\p{N}+$/u.test(self),
  isalpha: (self) => /^\p{L}+$/u.test(self),
  isalnum: (self) => /^[\p{L}\p{N}]+$/u.test(self),
  isspace: (self) => /^\s+$/.test(self),
  islower: (self) => /\p{Ll}/u.test(self) && self === self.toLowerCase(),
  isupper: (self) => /\p{Lu}/u.test(self) && self === self.toUpperCase(),
  istitle: (self) => self !== '' && pyTitle(self) === self && /\p{L}/u.test(self),
};
