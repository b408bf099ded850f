/**
 * Splits a command line into words like Python's shlex.split (what Ansible's command module
 * does): whitespace separates words, quotes group them, and nothing else is special, so `;`,
 * `|`, `>` and `&&` stay ordinary words.
 */
import { quote } from '../../../remote/quote.js';
import { DroverError } from '../../../errors.js';

export class CommandSyntaxError extends DroverError {
  override name = 'CommandSyntaxError';
}

export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoteChar: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoteChar === "'") {
      if (char === "'") quoteChar = undefined;
      else current += char;
    } else if (quoteChar === '"') {
      if (char === '"') quoteChar = undefined;
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i];
      else current += char;
    } else if (char === "'" || char === '"') {
      quoteChar = char;
      inWord = true;
    } else if (char === '\\') {
      if (i + 1 >= text.length) throw new CommandSyntaxError(`command ends with a lone backslash: ${text}`);
      current += text[++i];
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
  if (quoteChar) throw new CommandSyntaxError(`no closing quotation (${quoteChar}) in command: ${text}`);
  if (inWord) words.push(current);
  return words;
}

/**
 * One word as sh text. With `expand`, `$NAME`/`${NAME}` become the host's environment variables
 * (unset ones stay as written) and a leading `~` or `~user` the home directory, as Ansible's
 * expand_argument_vars does;
 * everything else stays literal.
 */
export function toShellWord(word: string, expand: boolean): string {
  if (!expand) return quote(word);
  let out = '';
  let rest = word;
  const tilde = /^~([a-z_][a-z0-9_-]*)?(?=\/|$)/.exec(rest);
  if (tilde) {
    out += tilde[1] ? `~${tilde[1]}` : '"$HOME"';
    rest = rest.slice(tilde[0].length);
  }
  const pattern = /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;
  let last = 0;
  for (const match of rest.matchAll(pattern)) {
    if (match.index > last) out += quote(rest.slice(last, match.index));
    // An unset variable stays as written, like Python's os.path.expandvars.
    const name = match[1] ?? match[2];
    out += match[1] ? `"\${${name}-\\$${name}}"` : `"\${${name}-\\\${${name}\\}}"`;
    last = match.index + match[0].length;
  }
  if (last < rest.length || out === '') out += quote(rest.slice(last));
  return out;
}

/** A list of words as one sh command line that runs them without a shell's interpretation. */
export function toCommandLine(words: readonly string[], expand: boolean): string {
  return words.map((word) => toShellWord(word, expand)).join(' ');
}
