/**
 * A module's arguments written as text: `copy: src=a dest="b c"`, and the free-form text of
 * command, shell and meta (`command: touch x creates=x`). The text is read as Ansible reads it
 * (tree/key-value.ts); values stay text unless the parameter takes no text.
 */
import type { z } from 'zod';
import { parse as parseYamlScalar } from 'yaml';
import { ArgumentSyntaxError, parseKv } from '../tree/key-value.js';

export { ArgumentSyntaxError };

/**
 * The options `command` and `shell` take from their free-form text (ansible-core's list in
 * parse_kv); every other `key=value` word there is part of the command.
 */
export const COMMAND_OPTIONS = [
  'creates',
  'removes',
  'chdir',
  'executable',
  'warn',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
] as const;

/** The modules whose free-form text is a command line (ansible-core's FREEFORM_ACTIONS). */
const COMMAND_MODULES = new Set(['command', 'shell']);

/** The `module: key=value key2=value2` form; undefined when a word is no `key=value` or the text does not split. */
export function parseKeyValueArgs(text: string): Record<string, string> | undefined {
  try {
    const { options, rawParams } = parseKv(text);
    return rawParams === undefined ? options : undefined;
  } catch (error) {
    if (error instanceof ArgumentSyntaxError) return undefined;
    throw error;
  }
}

/**
 * A free-form module's text (`command: touch x creates=x`, `meta: flush_handlers`): the raw words
 * are the free-form parameter. For command and shell only their options (COMMAND_OPTIONS) are
 * taken out of the text, wherever they are written; for the others every `key=value` word is.
 * Throws ArgumentSyntaxError when quotes or template blocks are unbalanced.
 */
export function parseFreeFormArgs(module: string, text: string, freeFormKey: string): Record<string, string> {
  const { options, rawParams } = parseKv(text, COMMAND_MODULES.has(module) ? COMMAND_OPTIONS : undefined);
  return rawParams === undefined ? options : { ...options, [freeFormKey]: rawParams };
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

/**
 * `key=value` values are text, as Ansible passes them to a module; a parameter that does not take
 * text (`verbosity=1`) gets the number or boolean the text reads as, as Ansible's argument spec
 * converts it. Templated values are left for the strict check after rendering.
 */
export function convertForSchema(
  args: Record<string, unknown>,
  shape: Record<string, z.ZodType> | undefined,
): Record<string, unknown> {
  if (!shape) return args;
  const out = { ...args };
  for (const [key, value] of Object.entries(args)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!field || typeof value !== 'string' || value.includes('{{') || field.safeParse(value).success) continue;
    const scalar = readScalar(value);
    if (scalar !== value && field.safeParse(scalar).success) out[key] = scalar;
  }
  return out;
}
