/** Python's json.dumps, as Ansible's to_json and to_nice_json call it. */
import { TemplateSyntaxError } from '../errors.js';
import { requireDefined } from '../jinja/undefined.js';
import { pyNumber } from './repr.js';
import { isMapping, typeName, unwrap } from './values.js';

export interface JsonOptions {
  indent?: number | string;
  sortKeys?: boolean;
  separators?: [string, string];
  ensureAscii?: boolean;
}

export function jsonDumps(value: unknown, options: JsonOptions = {}): string {
  const indent =
    options.indent === undefined || options.indent === null
      ? undefined
      : typeof options.indent === 'string'
        ? options.indent
        : ' '.repeat(Number(options.indent));
  const [itemSeparator, keySeparator] = options.separators ?? [indent === undefined ? ', ' : ',', ': '];
  const ascii = options.ensureAscii ?? true;
  const write = (input: unknown, level: number): string => {
    const item = unwrap(requireDefined(input));
    if (item === null || item === undefined) return 'null';
    if (typeof item === 'boolean') return item ? 'true' : 'false';
    if (typeof item === 'number') {
      if (Number.isNaN(item)) return 'NaN';
      if (!Number.isFinite(item)) return item > 0 ? 'Infinity' : '-Infinity';
      return pyNumber(item);
    }
    if (typeof item === 'string') return quote(item, ascii);
    const open = (items: string[], start: string, end: string) => {
      if (items.length === 0) return start + end;
      if (indent === undefined) return start + items.join(itemSeparator) + end;
      const inner = `\n${indent.repeat(level + 1)}`;
      return `${start}${inner}${items.join(itemSeparator + inner)}\n${indent.repeat(level)}${end}`;
    };
    if (Array.isArray(item))
      return open(
        item.map((child) => write(child, level + 1)),
        '[',
        ']',
      );
    if (isMapping(item)) {
      const keys = Object.keys(item);
      if (options.sortKeys) keys.sort();
      return open(
        keys.map((key) => quote(key, ascii) + keySeparator + write(item[key], level + 1)),
        '{',
        '}',
      );
    }
    throw new TemplateSyntaxError(`Object of type ${typeName(item)} is not JSON serializable`);
  };
  return write(value, 0);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function quote(text: string, ascii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const code = text.charCodeAt(i);
    if (Object.hasOwn(SHORT_ESCAPES, char)) out += SHORT_ESCAPES[char];
    else if (code < 0x20 || (ascii && code > 0x7f)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}
