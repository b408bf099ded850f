/** Filters that encode and decode: base64, JSON, YAML, URL encoding, shell quoting. */
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments, splitArguments } from '../jinja/arguments.js';
import { jsonDumps } from '../python/json-dump.js';
import { pyStr } from '../python/repr.js';
import { isMapping, truthy, unwrap } from '../python/values.js';
import { yamlDump } from '../python/yaml-dump.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

/** Python's urllib quote: letters, digits and _.-~ as they are, `safe` too, the rest %-encoded. */
function urlQuote(text: string, safe: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9_.\-~]/.test(char) || safe.includes(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function urlencode(input: unknown): string {
  const value = unwrap(input);
  if (typeof value === 'string') return urlQuote(value, '/');
  const pairs = isMapping(value)
    ? Object.entries(value)
    : Array.isArray(value)
      ? value.map((pair) => (Array.isArray(pair) ? [pair[0], pair[1]] : [pair, '']))
      : null;
  if (pairs === null) return urlQuote(pyStr(value), '/');
  const part = (item: unknown) => urlQuote(pyStr(item), '').replace(/%20/g, '+');
  return pairs.map(([key, item]) => `${part(key)}=${part(item)}`).join('&');
}

/** Python's shlex.quote. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

function jsonOptions(keywords: Record<string, unknown>) {
  return {
    indent: keywords.indent as number | undefined,
    sortKeys: truthy(keywords.sort_keys ?? false),
    ensureAscii: truthy(keywords.ensure_ascii ?? true),
    separators: Array.isArray(keywords.separators) ? (keywords.separators.map(String) as [string, string]) : undefined,
  };
}

function fromYaml(input: unknown): unknown {
  try {
    return parseYaml(pyStr(input), { version: '1.1' });
  } catch (error) {
    throw new TemplateSyntaxError(`from_yaml: ${(error as Error).message}`, { cause: error });
  }
}

const encode = (input: unknown, encoding: unknown) => Buffer.from(pyStr(input), bufferEncoding(encoding));

function bufferEncoding(encoding: unknown): BufferEncoding {
  const name = String(encoding ?? 'utf-8')
    .toLowerCase()
    .replace('_', '-');
  if (name === 'utf-8' || name === 'utf8') return 'utf8';
  if (name === 'utf-16-le' || name === 'utf-16le') return 'utf16le';
  if (name === 'latin-1' || name === 'latin1' || name === 'iso-8859-1') return 'latin1';
  if (name === 'ascii') return 'ascii';
  throw new TemplateSyntaxError(`unsupported encoding '${name}'`);
}

export const ENCODING_FILTERS: Record<string, Filter> = {
  b64encode: (input, ...args) =>
    encode(input, bindArguments('b64encode', args, ['encoding']).encoding).toString('base64'),
  b64decode: (input, ...args) => {
    const { encoding } = bindArguments('b64decode', args, ['encoding']);
    return Buffer.from(pyStr(input), 'base64').toString(bufferEncoding(encoding));
  },
  to_json: (input, ...args) => jsonDumps(input, jsonOptions(splitArguments(args).keywords)),
  to_nice_json: (input, ...args) => {
    const { keywords } = splitArguments(args);
    return jsonDumps(input, {
      ...jsonOptions({ sort_keys: true, ...keywords }),
      indent: Number(keywords.indent ?? 4),
      separators: [',', ': '],
    });
  },
  tojson: (input, indent) =>
    jsonDumps(input, { sortKeys: true, indent: indent as number | undefined }).replace(
      /[<>&']/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  from_json: (input) => {
    try {
      return JSON.parse(pyStr(input));
    } catch (error) {
      throw new TemplateSyntaxError(`from_json: ${(error as Error).message}`, { cause: error });
    }
  },
  to_yaml: (input, ...args) => {
    const { keywords } = splitArguments(args);
    return yamlDump(input, {
      indent: keywords.indent as number | undefined,
      flowStyle: keywords.default_flow_style === false ? false : undefined,
      width: keywords.width as number | undefined,
    });
  },
  to_nice_yaml: (input, ...args) => {
    const { keywords } = splitArguments(args);
    return yamlDump(input, {
      indent: Number(keywords.indent ?? args.find((arg) => typeof arg === 'number') ?? 4),
      flowStyle: false,
      width: keywords.width as number | undefined,
    });
  },
  from_yaml: fromYaml,
  from_yaml_all: (input) => parseAllDocuments(pyStr(input), { version: '1.1' }).map((document) => document.toJS()),
  urlencode,
  urldecode: (input) => decodeURIComponent(pyStr(input).replace(/\+/g, ' ')),
  quote: (input) => shellQuote(pyStr(input)),
};
