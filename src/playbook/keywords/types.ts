import { z } from 'zod';
import { BOOL_WORD_PATTERN, readBoolean } from '../../bool-words.js';
import { LoopLookupError, parseSequence } from '../../tree/loop-lookups.js';
import type { LoopControl } from '../../tree/types.js';

/**
 * The type of a keyword's value: a zod schema for what a playbook may write (the editor schema is
 * its input side) and what the loader gets from it, and the words errors and the reference use.
 */
export interface KeywordType<T = unknown> {
  schema: z.ZodType<T>;
  /** What the keyword takes: "tags must be EXPECTS, but it is a map". */
  expects: string;
  /** How to fix a wrong value; `bad` is the offending value (the list item, when it is one). */
  hint: (key: string, bad: unknown) => string;
  /** A message of its own for some wrong values, instead of "must be EXPECTS, but ...". */
  message?: (key: string, bad: unknown) => string | undefined;
  /** The editor schema, where the zod schema cannot say it (a list of tasks refers to the task schema). */
  jsonSchema?: object;
}

const isMap = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A string that is a template: its type is only known once rendered. */
const templated = z.string().regex(/\{\{/);

/** Text; a number is taken as text (`name: 2024`). */
export const text: KeywordType<string> = {
  schema: z.union([z.string(), z.number().transform(String)]),
  expects: 'text',
  hint: (key) => `quote a ${key} that starts with { or [, e.g. ${key}: "{{ app }} config"`,
};

/** true or false, or a word Ansible reads as one (yes/no, on/off, ..., in any case), or 1/0. */
export const flag: KeywordType<boolean> = {
  schema: z
    .union([z.boolean(), z.literal(1), z.literal(0), z.string().regex(BOOL_WORD_PATTERN)])
    .transform((value) => readBoolean(value)!),
  expects: 'true or false',
  hint: (key) => `write ${key}: true or ${key}: false (yes/no, on/off, y/n, t/f and 1/0 are read the same way)`,
};

const conditionItem = z.union([z.string(), z.boolean(), z.number()]);

/** `when`, `changed_when`, `failed_when`, `until`: an expression, a boolean, or a list of them (all must hold). */
export const condition: KeywordType<unknown[]> = {
  schema: z.union([conditionItem.transform((item) => [item]), z.array(conditionItem)]),
  expects: 'a condition (an expression string or a boolean) or a list of them',
  hint: (key, bad) =>
    isMap(bad)
      ? `write the expression as text, e.g. ${key}: result.rc == 0 (a value that starts with { is a YAML map: quote it, ${key}: "{{ x }}")`
      : `write the expression as text, e.g. ${key}: result.rc == 0, or a list of such expressions`,
};

/** A list, or a template that gives one when rendered: a number, a map or a plain string never loops. */
export const loop: KeywordType<unknown> = {
  schema: z.union([z.array(z.unknown()), templated]),
  expects: 'a list or a template that gives one',
  hint: (key, bad) =>
    typeof bad === 'string'
      ? `a bare name is not a variable: write ${key}: "{{ ${bad.trim() || 'items'} }}", or a list: ${key}: [${bad}]`
      : typeof bad === 'object' && bad !== null
        ? `write the items as a list, one "- item" per line (to loop over a map, list its entries)`
        : `write the items as a list, e.g. ${key}: [${String(bad)}], or a template: ${key}: "{{ items }}"`,
};

const anyMap = z.record(z.string(), z.unknown());

/** with_dict: a map, a list of maps, or a template that gives one. */
export const dictLoop: KeywordType<unknown> = {
  schema: z.union([anyMap, z.array(z.union([anyMap, templated])), templated]),
  expects: 'a map or a template that gives one',
  hint: (key, bad) =>
    typeof bad === 'string'
      ? `a bare name is not a variable: write ${key}: "{{ ${bad.trim() || 'users'} }}"`
      : `write the entries as "name: value" lines indented below ${key}, or a template: ${key}: "{{ users }}"`,
};

/** The problem of a literal with_sequence text, found when the playbook is loaded. */
function checkSequence(value: string, ctx: z.RefinementCtx, path: number[]): void {
  if (value.includes('{{') || value.includes('{%')) return;
  try {
    parseSequence(value);
  } catch (error) {
    if (!(error instanceof LoopLookupError)) throw error;
    ctx.addIssue({
      code: 'custom',
      message: `cannot count '${value}': ${error.message}`,
      path,
      params: { hint: 'e.g. start=1 end=5 (or count=5), with stride=2 and format=%02d if needed, or 1-5/2:%02d' },
    });
  }
}

/** with_sequence: `start=1 end=5 stride=1 format=%d` (or `count=`), `[start-]end[/stride][:format]`, or a list of them. */
export const sequenceLoop: KeywordType<string | string[]> = {
  schema: z.union([z.string(), z.array(z.string())]).superRefine((value, ctx) => {
    if (typeof value === 'string') checkSequence(value, ctx, []);
    else for (const [index, item] of value.entries()) checkSequence(item, ctx, [index]);
  }),
  expects: "text such as 'start=1 end=5' or '1-5', or a list of them",
  hint: (key) => `e.g. ${key}: start=1 end=5 format=web%02d, or ${key}: "1-5"`,
};

/** with_fileglob: a pattern or a list of them. */
export const patternLoop: KeywordType<string | string[]> = {
  schema: z.union([z.string().min(1), z.array(z.string().min(1))]),
  expects: 'a file pattern or a list of them (text)',
  hint: (key) => `e.g. ${key}: "conf.d/*.conf" (looked for in files/, as a copy src is)`,
};

/** with_nested, with_cartesian, with_together: lists, each a list or a template that gives one. */
export const listsLoop: KeywordType<unknown> = {
  schema: z.union([z.array(z.union([z.array(z.unknown()), templated])), templated]),
  expects: 'a list of lists (each a list or a template that gives one)',
  hint: (key, bad) =>
    typeof bad === 'string'
      ? `a bare name is not a variable: write "{{ ${bad.trim() || 'items'} }}" for a variable, or [${bad}] for a list of one`
      : `write one list per item, e.g. ${key}: [[a, b], "{{ more }}"]`,
};

const elements = z.union([z.array(z.unknown()), anyMap, templated]);
const subkey = z.string().min(1);

/** with_subelements: the elements (a list, or a template), the key of each one's list, and optionally flags. */
export const subelementsLoop: KeywordType<unknown> = {
  schema: z.union([
    z.tuple([elements, subkey]),
    z.tuple([elements, subkey, z.strictObject({ skip_missing: z.union([z.boolean(), z.string()]) })]),
    templated,
  ]),
  expects:
    'a list of two or three items: the elements (a list or a template), the key of their lists, and optionally { skip_missing: true }',
  hint: (key) =>
    `e.g. ${key}: ["{{ users }}", authorized_keys] or ${key}: ["{{ users }}", authorized_keys, { skip_missing: true }]`,
};

const word = z.union([z.string(), z.number().transform(String)]);

/** Tags: a list, or text where a comma separates tags (`tags: web, db` is two), as Ansible reads them. */
export const tagList: KeywordType<string[]> = {
  schema: z.union([
    z.string().transform((value) =>
      value
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
    z.number().transform((value) => [String(value)]),
    z.array(word),
  ]),
  expects: 'a string or a list of strings',
  hint: (key) => `e.g. ${key}: [nginx, config]`,
};

/** Names (handlers, topics): one, or a list of them; a comma is part of a name. */
export const nameList: KeywordType<string[]> = {
  schema: z.union([word.transform((value) => [value]), z.array(word)]),
  expects: 'a string or a list of strings',
  hint: (key) => `e.g. ${key}: [restart nginx]`,
};

/** A variable name. */
export const variableName: KeywordType<string> = {
  schema: word.refine((value) => /^[A-Za-z_]\w*$/.test(value), {
    error: (issue) => `name '${String(issue.input)}' is not a valid variable name`,
    params: { hint: 'use letters, digits and underscores, starting with a letter' },
  }),
  expects: 'a variable name',
  hint: (key) => `e.g. ${key}: result`,
};

/** A whole number, 0 or more ("3" is read as 3); keywords of this type are not templated. */
export const count: KeywordType<number> = {
  schema: z.union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(/^\s*\d+\s*$/)
      .transform(Number),
  ]),
  expects: 'a whole number, 0 or more',
  hint: (key) => `e.g. ${key}: 3`,
  message: (key, bad) =>
    typeof bad === 'string' && bad.includes('{{')
      ? `${key} must be a whole number written in the playbook: drover does not template ${key}`
      : undefined,
};

/** A percentage: a number, or text such as "30%". */
export const percentage: KeywordType<number> = {
  schema: z.union([
    z.number(),
    z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*%?\s*$/)
      .transform((value) => Number.parseFloat(value)),
  ]),
  expects: 'a percentage (a number, or text such as "30%")',
  hint: (key) => `e.g. ${key}: 30`,
};

/** A map of names to values. */
export const map: KeywordType<Record<string, unknown>> = {
  schema: z.record(z.string(), z.unknown()),
  expects: 'a map',
  hint: (key) => `write ${key} as "name: value" lines indented below it, e.g. ${key}: { port: 80 }`,
};

/** `args`: a module's parameters as a map, below those written with the module. */
export const moduleArgs: KeywordType<Record<string, unknown>> = {
  ...map,
  expects: "a map of the module's parameters",
  hint: (key) => `e.g. "${key}: { chdir: /srv/app }" (see: drover doc MODULE)`,
};

/** A file name, relative to the file it is written in. */
export const fileName: KeywordType<string> = {
  schema: z.string().min(1),
  expects: 'a file name',
  hint: (key) => `e.g. ${key}: other.yml`,
};

/** One file name or a list of them. */
export const fileList: KeywordType<string[]> = {
  schema: z.union([z.string().transform((value) => [value]), z.array(z.string())]),
  expects: 'a file name or a list of them',
  hint: (key) => `e.g. ${key}: [vars/common.yml]`,
};

/** include_tasks and import_tasks: a file name, or a map with `file`. */
export const includedFile: KeywordType<string> = {
  schema: z.union([z.string().min(1), z.looseObject({ file: z.string().min(1) }).transform((value) => value.file)]),
  expects: 'a file name, or a map with file',
  hint: (key) => `e.g. "${key}: setup.yml"`,
};

/** A host pattern, or a list of them (joined with commas). */
export const hostPattern: KeywordType<string> = {
  schema: z.union([word, z.array(word).transform((list) => list.join(','))]).transform((value) => value.trim()),
  expects: 'a host pattern or a list of them (text)',
  hint: () => 'e.g. "hosts: webservers" or "hosts: [web1, web2]"',
};

const serialItem = z.union([z.number().positive(), z.string().regex(/^\s*\d+%?\s*$/)]);

/** serial: a number of hosts, a percentage, or a list of them (the last one repeats). */
export const serial: KeywordType<Array<number | string>> = {
  schema: z.union([serialItem.transform((item) => [item]), z.array(serialItem)]),
  expects: 'a number, a percentage like "30%", or a list of them',
  hint: (key) => `e.g. ${key}: 2, ${key}: "30%" or ${key}: [1, 5, "50%"]`,
};

export const strategy: KeywordType<'linear' | 'free'> = {
  schema: z.enum(['linear', 'free']),
  expects: 'linear or free',
  hint: () => 'use linear (the default) or free',
};

/** A list of tasks; each item is checked as a task (or block, or include) when it is loaded. */
export const taskList: KeywordType<unknown[]> = {
  schema: z.array(z.unknown()),
  expects: 'a list of tasks',
  hint: () => `write each task as a list item starting with '- '`,
  jsonSchema: { type: 'array', items: { $ref: '#/$defs/task' } },
};

/** A play's roles; each entry is checked as a role entry when it is loaded. */
export const roleList: KeywordType<unknown[]> = {
  schema: z.array(z.unknown()),
  expects: 'a list of roles',
  hint: () => 'write each role as a list item: "roles:\n  - common\n  - role: nginx"',
  jsonSchema: { type: 'array', items: { $ref: '#/$defs/role' } },
};

/** loop_control: the loop variable's name, the item's label and the index variable. */
export const loopControl: KeywordType<LoopControl> = {
  schema: z
    .strictObject({
      label: z.string().optional(),
      loop_var: z.string().optional(),
      index_var: z.string().optional(),
      pause: z.unknown().optional(),
      extended: z.unknown().optional(),
    })
    .transform(({ label, loop_var, index_var }) => ({
      loop_var: loop_var ?? 'item',
      ...(label === undefined ? {} : { label }),
      ...(index_var === undefined ? {} : { index_var }),
    })),
  expects: 'a map of label, loop_var and index_var (text)',
  hint: (key) => `e.g. ${key}: { loop_var: pkg, label: "{{ pkg.name }}" }`,
};

/** import_role's own map: the role and, optionally, its tasks file. */
export const importedRole: KeywordType<{ name: string; tasks_from?: string }> = {
  schema: z.strictObject({ name: z.string().min(1), tasks_from: z.string().min(1).optional() }),
  expects: "a map with the role's name and, optionally, tasks_from (text)",
  hint: (key) => `e.g. "${key}: { name: nginx }" or "${key}: { name: nginx, tasks_from: setup }"`,
};
