/**
 * Ansible's `key=value` argument text (`copy: src=a dest="b c"`, `command: touch x creates=x`),
 * read as ansible-core's parse_kv and split_args read it: words are split at spaces, but quotes and
 * `{{ }}`, `{% %}` and `{# #}` keep theirs; a value loses its outer quotes; backslash escapes
 * (`\n`, `\t`, `\"`, `\x41`, `\u00e9`) are decoded in options. Values stay text, as in Ansible.
 */
export class ArgumentSyntaxError extends Error {
  override name = 'ArgumentSyntaxError';
}

/** The quote a word leaves open, given the one open before it (a quote after a backslash counts for nothing). */
function quoteState(token: string, open: string | undefined): string | undefined {
  let quote = open;
  for (let i = 0; i < token.length; i++) {
    const char = token[i];
    if ((char === '"' || char === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (quote === undefined) quote = char;
      else if (char === quote) quote = undefined;
    }
  }
  return quote;
}

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

function depthAfter(token: string, depth: number, open: string, close: string): number {
  const opened = count(token, open);
  const closed = count(token, close);
  return opened === closed ? depth : Math.max(0, depth + opened - closed);
}

/**
 * Splits argument text into words as Ansible's split_args does: at spaces and newlines, except
 * inside quotes and template blocks; a word keeps its quotes, and runs of spaces inside a word are
 * kept. Unbalanced quotes or blocks are an ArgumentSyntaxError.
 */
export function splitArgs(text: string): string[] {
  const params: string[] = [];
  const lines = text.split('\n');
  let quote: string | undefined;
  let print = 0;
  let block = 0;
  let comment = 0;
  const last = (suffix: string) => {
    if (params.length === 0) throw new ArgumentSyntaxError(`cannot read the arguments: ${text}`);
    params[params.length - 1] += suffix;
  };
  for (const [lineIndex, line] of lines.entries()) {
    const tokens = line.split(' ');
    let continued = false;
    for (const [index, token] of tokens.entries()) {
      if (token === '' && index !== 0) {
        last(' ');
        continue;
      }
      if (token === '\\' && quote === undefined) {
        continued = true;
        continue;
      }
      const wasQuoted = quote !== undefined;
      quote = quoteState(token, quote);
      const quoted = quote !== undefined;
      const inBlock = () => print > 0 || block > 0 || comment > 0;
      let appended = false;
      if (quoted && !wasQuoted && !inBlock()) {
        params.push(token);
        appended = true;
      } else if (inBlock() || quoted || wasQuoted) {
        if (index === 0 && wasQuoted) last(token);
        else if (tokens.length > 1) last(`${index > 0 ? ' ' : ''}${token}`);
        else last(`\n${token}`);
        appended = true;
      }
      for (const [open, close, read, write] of [
        ['{{', '}}', () => print, (n: number) => (print = n)],
        ['{%', '%}', () => block, (n: number) => (block = n)],
        ['{#', '#}', () => comment, (n: number) => (comment = n)],
      ] as const) {
        const before = read();
        write(depthAfter(token, before, open, close));
        if (read() !== before && !appended) {
          params.push(token);
          appended = true;
        }
      }
      if (!inBlock() && !quoted && !appended && token !== '') params.push(token);
    }
    if (lines.length > 1 && lineIndex !== lines.length - 1 && !continued && params.length > 0) last('\n');
  }
  if (print > 0 || block > 0 || comment > 0 || quote !== undefined)
    throw new ArgumentSyntaxError(
      `failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${text}`,
    );
  return params;
}

const ESCAPE = /\\(?:U([0-9a-fA-F]{8})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\\'"abfnrtv]))/g;
const SINGLE: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Python's unicode-escape decoding of the escapes Ansible decodes in `key=value` words. */
function decodeEscapes(word: string): string {
  return word.replace(ESCAPE, (whole, long?: string, short?: string, hex?: string, single?: string) => {
    const code = long ?? short ?? hex;
    if (code === undefined) return SINGLE[single!];
    const point = Number.parseInt(code, 16);
    return point > 0x10ffff ? whole : String.fromCodePoint(point);
  });
}

/** A value's outer quotes, removed as Ansible's unquote does. */
function unquote(value: string): string {
  const quoted =
    value.length > 1 && value[0] === value.at(-1) && (value[0] === '"' || value[0] === "'") && value.at(-2) !== '\\';
  return quoted ? value.slice(1, -1) : value;
}

/** Where a word's `=` is: the first one after its first character that no backslash escapes. */
function equalsAt(word: string): number | undefined {
  for (let at = word.indexOf('=', 1); at > 0; at = word.indexOf('=', at + 1)) if (word[at - 1] !== '\\') return at;
  return undefined;
}

export interface KeyValueArgs {
  /** Each `key=value` word, its value unquoted and its escapes decoded. */
  options: Record<string, string>;
  /** The other words, joined again as they were written (a free-form command); undefined when none. */
  rawParams?: string;
}

/**
 * Ansible's parse_kv. With `freeFormOptions` (check_raw), only those keys are options and every
 * other word, `key=value` or not, is part of the raw text.
 */
export function parseKv(text: string, freeFormOptions?: readonly string[]): KeyValueArgs {
  const options: Record<string, string> = {};
  const raw: string[] = [];
  for (const word of splitArgs(text)) {
    const decoded = decodeEscapes(word);
    if (!decoded.includes('=')) {
      raw.push(word);
      continue;
    }
    const at = equalsAt(decoded);
    if (at === undefined) {
      raw.push(decoded.replaceAll('\\=', '='));
      continue;
    }
    const key = decoded.slice(0, at);
    if (freeFormOptions && !freeFormOptions.includes(key)) raw.push(word);
    else options[key.trim()] = unquote(decoded.slice(at + 1).trim());
  }
  let rawParams: string | undefined;
  for (const word of raw)
    rawParams =
      rawParams === undefined || rawParams.endsWith('\n') ? `${rawParams ?? ''}${word}` : `${rawParams} ${word}`;
  return rawParams === undefined ? { options } : { options, rawParams };
}
