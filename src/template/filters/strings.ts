/** Filters on text: case, trim, replace, split, indent, center, wordcount, truncate, format. */
import { bindArguments, splitArguments } from '../jinja/arguments.js';
import { percentFormat } from '../python/percent-format.js';
import { pyStr } from '../python/repr.js';
import { pySplit, pyStrip, STRING_METHODS } from '../python/string-methods.js';
import { makeTuple } from '../python/values.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

/** Jinja2's title: each word (split at spaces, dashes and opening brackets) capitalized. */
function title(text: string): string {
  return text
    .split(/([-\s({[<]+)/)
    .map((part) => (part ? part[0].toUpperCase() + part.slice(1).toLowerCase() : part))
    .join('');
}

/** Jinja2's indent: every line but the first (and blank ones) gets the indentation. */
function indent(input: unknown, ...args: unknown[]): string {
  const { width = 4, first = false, blank = false } = bindArguments('indent', args, ['width', 'first', 'blank']);
  const indentation = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = STRING_METHODS.splitlines(`${pyStr(input)}\n`, []) as string[];
  let out: string;
  if (blank) out = lines.join(`\n${indentation}`);
  else {
    out = lines.shift() ?? '';
    if (lines.length > 0) out += `\n${lines.map((line) => (line ? indentation + line : line)).join('\n')}`;
  }
  return first ? indentation + out : out;
}

function truncate(input: unknown, ...args: unknown[]): string {
  const bound = bindArguments('truncate', args, ['length', 'killwords', 'end', 'leeway']);
  const text = pyStr(input);
  const length = Number(bound.length ?? 255);
  const end = String(bound.end ?? '...');
  const leeway = Number(bound.leeway ?? 5);
  if (text.length <= length + leeway) return text;
  if (bound.killwords) return text.slice(0, length - end.length) + end;
  const cut = text.slice(0, length - end.length);
  const space = cut.lastIndexOf(' ');
  return (space === -1 ? cut : cut.slice(0, space)) + end;
}

function wordwrap(input: unknown, ...args: unknown[]): string {
  const bound = bindArguments('wordwrap', args, ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens']);
  const width = Number(bound.width ?? 79);
  const wrap = String(bound.wrapstring ?? '\n');
  return pyStr(input)
    .split(/\r?\n/)
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        if (line && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      lines.push(line);
      return lines.join(wrap);
    })
    .join(wrap);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function escapeHtml(input: unknown): string {
  return pyStr(input).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

function fileSize(input: unknown, binary: unknown = false): string {
  const bytes = Number(input);
  const base = binary ? 1024 : 1000;
  const units = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${bytes} Bytes`;
  let unit = 0;
  while (unit < units.length - 1 && bytes >= base ** (unit + 2)) unit++;
  return `${(bytes / base ** (unit + 1)).toFixed(1)} ${units[unit]}`;
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter: the text as a comment block, framed by empty comment lines. */
function comment(input: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  const style = COMMENT_STYLES[pyStr(positional[0] ?? keywords.style ?? 'plain')];
  if (!style) throw new TypeError(`comment: unknown style '${pyStr(positional[0] ?? keywords.style)}'`);
  const frame = (keywords.decoration ?? style.decoration) as string;
  const p: Record<string, unknown> = {
    newline: '\n',
    beginning: '',
    prefix: frame.trimEnd(),
    prefix_count: 1,
    decoration: '',
    postfix: frame.trimEnd(),
    postfix_count: 1,
    end: '',
    ...style,
    ...keywords,
  };
  const [newline, decoration] = [pyStr(p.newline), pyStr(p.decoration)];
  const beginning = p.beginning ? `${pyStr(p.beginning)}${newline}` : '';
  const prefix = p.prefix
    ? (p.prefix !== newline ? `${pyStr(p.prefix)}${newline}` : newline).repeat(Number(p.prefix_count))
    : '';
  const text = `${decoration}${pyStr(input)
    .split(newline)
    .join(newline + decoration)}`
    .split(decoration + newline)
    .join(decoration.trimEnd() + newline);
  const postfix = ['', ...Array(Number(p.postfix_count)).fill(pyStr(p.postfix))].join(newline);
  const end = p.end ? `${newline}${pyStr(p.end)}` : '';
  return beginning + prefix + text + postfix + end;
}

export const STRING_FILTERS: Record<string, Filter> = {
  lower: (input) => pyStr(input).toLowerCase(),
  upper: (input) => pyStr(input).toUpperCase(),
  capitalize: (input) => STRING_METHODS.capitalize(pyStr(input), []),
  title: (input) => title(pyStr(input)),
  trim: (input, chars) =>
    pyStrip(pyStr(input), chars === undefined || chars === null ? undefined : pyStr(chars), 'both'),
  replace: (input, ...args) => {
    const { old, new: replacement, count } = bindArguments('replace', args, ['old', 'new', 'count']);
    return STRING_METHODS.replace(pyStr(input), [
      pyStr(old),
      pyStr(replacement),
      ...(count === undefined ? [] : [count]),
    ]);
  },
  split: (input, ...args) => {
    const { seperator, separator, maxsplit } = bindArguments('split', args, ['separator', 'maxsplit', 'seperator']);
    const sep = separator ?? seperator;
    return pySplit(pyStr(input), sep === undefined || sep === null ? undefined : pyStr(sep), Number(maxsplit ?? -1));
  },
  center: (input, width = 80) => STRING_METHODS.center(pyStr(input), [width]),
  indent,
  wordcount: (input) => (pyStr(input).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  truncate,
  wordwrap,
  format: (input, ...args) => {
    const { positional, keywords } = splitArguments(args);
    return percentFormat(pyStr(input), Object.keys(keywords).length > 0 ? keywords : makeTuple(positional));
  },
  striptags: (input) =>
    pyStr(input)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  escape: escapeHtml,
  e: escapeHtml,
  forceescape: escapeHtml,
  filesizeformat: (input, binary) => fileSize(input, binary),
  comment,
};
