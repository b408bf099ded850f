import { parse as parseYamlScalar } from 'yaml';

/** Splits `a=1 b="two words" c` into words, honouring single and double quotes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** Ansible's `module: key=value key2=value2` form. Values are read as YAML scalars (numbers, true/false). */
export function parseKeyValueArgs(text: string): Record<string, unknown> | undefined {
  const words = splitWords(text);
  const out: Record<string, unknown> = {};
  for (const word of words) {
    const at = word.indexOf('=');
    if (at <= 0) return undefined;
    out[word.slice(0, at)] = readScalar(word.slice(at + 1));
  }
  return out;
}

/**
 * A free-form module (`command: ls -l creates=/x`): the text is the command, except trailing
 * `name=value` words for the module's known options, which Ansible also accepts there.
 */
export function parseFreeFormArgs(text: string, freeFormKey: string, optionNames: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let rest = text.trim();
  for (;;) {
    const match = /\s+([a-z_]+)=("[^"]*"|'[^']*'|\S+)$/.exec(rest) ?? /^([a-z_]+)=("[^"]*"|'[^']*'|\S+)$/.exec(rest);
    if (!match || !optionNames.includes(match[1]) || match[1] === freeFormKey) break;
    out[match[1]] = readScalar(match[2].replace(/^(["'])(.*)\1$/s, '$2'));
    rest = rest.slice(0, match.index).trimEnd();
  }
  out[freeFormKey] = rest;
  return out;
}

function readScalar(text: string): unknown {
  if (text === '') return '';
  try {
    const value = parseYamlScalar(text);
    return typeof value === 'object' && value !== null ? text : value;
  } catch {
    return text;
  }
}
