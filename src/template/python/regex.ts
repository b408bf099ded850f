/**
 * Python's re syntax in JavaScript: named groups (?P<name>...) and (?P=name), inline flags at the
 * start ((?i), (?s), (?m)), \A and \Z, and $ matching before a final newline as Python's does; and
 * Python's replacement templates (\1, \g<1>, \g<name>).
 */
import { TemplateSyntaxError } from '../errors.js';

export interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  global?: boolean;
  /** re.match: only at the start of the text; re.fullmatch: the whole text. */
  anchor?: 'start' | 'full';
}

const cache = new Map<string, RegExp>();

/** A JavaScript RegExp for a Python pattern. */
export function pythonRegex(pattern: string, options: RegexOptions = {}): RegExp {
  const key = `${options.ignorecase ? 'i' : ''}${options.multiline ? 'm' : ''}${options.global ? 'g' : ''}${options.anchor ?? ''}\0${pattern}`;
  const cached = cache.get(key);
  if (cached) {
    cached.lastIndex = 0;
    return cached;
  }
  let source = pattern;
  const flags = new Set<string>();
  if (options.ignorecase) flags.add('i');
  if (options.multiline) flags.add('m');
  if (options.global) flags.add('g');
  for (let inline = /^\(\?([aiLmsux]+)\)/.exec(source); inline; inline = /^\(\?([aiLmsux]+)\)/.exec(source)) {
    for (const flag of inline[1]) {
      if (flag === 'x') throw new TemplateSyntaxError(`the regex flag (?x) is not supported: ${pattern}`);
      if (flag === 'i' || flag === 'm' || flag === 's') flags.add(flag);
    }
    source = source.slice(inline[0].length);
  }
  let regex: RegExp;
  try {
    let translated = translate(source, flags.has('m'));
    if (options.anchor) translated = `(?<![\\s\\S])(?:${translated})${options.anchor === 'full' ? '(?![\\s\\S])' : ''}`;
    regex = new RegExp(translated, [...flags].join(''));
  } catch (error) {
    throw new TemplateSyntaxError(`invalid regular expression '${pattern}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, regex);
  return regex;
}

/** Rewrites the parts of a pattern that differ, outside character classes and escapes. */
function translate(source: string, multiline: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += `\\${source[++i]}`;
      continue;
    }
    if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(source.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += char === '$' && !multiline ? '(?=\\n?(?![\\s\\S]))' : char;
  }
  return out;
}

/** Python's match.expand(template): \1, \g<1>, \g<name>, and \n-style escapes. */
export function expandReplacement(
  template: string,
  groups: readonly (string | undefined)[],
  named?: Record<string, string | undefined>,
): string {
  return template.replace(/\\(?:(\d{1,2})|g<(\w+)>|([\\nrtfvab]))|\\/g, (whole, number, name, escape) => {
    if (number !== undefined) return groups[Number(number)] ?? '';
    if (name !== undefined) return (/^\d+$/.test(name) ? groups[Number(name)] : named?.[name]) ?? '';
    if (escape !== undefined)
      return { '\\': '\\', n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', a: '\x07', b: '\b' }[escape as string]!;
    return whole;
  });
}

/** Python's re.escape: a backslash before the characters special in a pattern (Python 3.7+). */
export function escapeRegex(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (char) => `\\${char}`);
}
