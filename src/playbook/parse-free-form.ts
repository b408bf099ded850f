import { CommandSyntaxError, splitCommand } from '../modules/lib/text/split-command.js';
import { parse as parseYamlScalar } from 'yaml';

/** Splits `a=1 b="two words" c` into words as a POSIX shell would (quotes, backslashes); undefined when quotes are unbalanced. */
export function splitWords(text: string): string[] | undefined {
  try {
    return splitCommand(text);
  } catch (error) {
    if (error instanceof CommandSyntaxError) return undefined;
    throw error;
  }
}

/** Ansible's `module: key=value key2=value2` form. Values are read as YAML scalars (numbers, true/false). */
export function parseKeyValueArgs(text: string): Record<string, unknown> | undefined {
  const words = splitWords(text);
  if (!words) return undefined;
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
export function parseFreeFormArgs(
  text: string,
  freeFormKey: string,
  optionNames: readonly string[],
): Record<string, unknown> {
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

/**
 * A value that YAML would read as a collection, alias, tag or block (`{{ x }}`, `[a]`, `*ref`) stays
 * the text itself; parsing it would build a collection (and make the yaml library warn on stderr).
 */
const NOT_A_PLAIN_SCALAR = /^[[{*&!|>%@`]/;

function readScalar(text: string): unknown {
  if (text === '' || NOT_A_PLAIN_SCALAR.test(text)) return text;
  try {
    const value = parseYamlScalar(text);
    return typeof value === 'object' && value !== null ? text : value;
  } catch {
    return text;
  }
}
