/**
 * The words Ansible reads as a boolean, in any case and with surrounding spaces ignored
 * (ansible.module_utils.parsing.convert_bool, as ansible-core 2.14 has it): keywords, module
 * parameters, inventory connection variables and ansible.cfg all read text this way.
 *
 * `filter` marks the words the `bool` template filter reads as true. That filter is another
 * function in Ansible (plugins/filter/core.py, to_bool): it knows only these four, does not trim,
 * and reads every other value as false.
 */
const BOOL_WORDS: ReadonlyArray<{ word: string; value: boolean; filter?: true }> = [
  { word: 'true', value: true, filter: true },
  { word: 'yes', value: true, filter: true },
  { word: 'on', value: true, filter: true },
  { word: '1', value: true, filter: true },
  { word: 'y', value: true },
  { word: 't', value: true },
  { word: 'false', value: false },
  { word: 'no', value: false },
  { word: 'off', value: false },
  { word: '0', value: false },
  { word: 'n', value: false },
  { word: 'f', value: false },
];

const VALUES = new Map(BOOL_WORDS.map(({ word, value }) => [word, value]));
const FILTER_TRUE = new Set(BOOL_WORDS.filter((entry) => entry.filter).map(({ word }) => word));

export const TRUE_WORDS: readonly string[] = BOOL_WORDS.filter((entry) => entry.value).map(({ word }) => word);
export const FALSE_WORDS: readonly string[] = BOOL_WORDS.filter((entry) => !entry.value).map(({ word }) => word);

/** A boolean word (any case, spaces around ignored); undefined for any other text. */
export function parseBoolWord(text: string): boolean | undefined {
  return VALUES.get(text.trim().toLowerCase());
}

/** A boolean, the numbers 1 and 0, or a boolean word, as Ansible's boolean(); undefined otherwise. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  return typeof value === 'string' ? parseBoolWord(value) : undefined;
}

/**
 * The boolean words as a case-insensitive regular expression without flags, so that a JSON Schema
 * `pattern` (which has none) can say it too.
 */
export const BOOL_WORD_PATTERN = new RegExp(
  `^\\s*(?:${BOOL_WORDS.map(({ word }) =>
    [...word].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join(''),
  ).join('|')})\\s*$`,
);

/** The `bool` filter: a boolean or null as it is, true for the four filter words and 1, else false. */
export function boolFilter(input: unknown): boolean | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'boolean') return input;
  if (typeof input === 'string') return FILTER_TRUE.has(input.toLowerCase());
  return input === 1;
}
