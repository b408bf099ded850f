import { z } from 'zod';
import { fileAttributeFields } from './lib/file-modules/content-module.js';
import { editLine, translatePythonRegex } from './lib/text/line-edit.js';
import { parsePathState, type PathState } from './lib/probe/path-probe.js';
import { boolField } from './lib/fields/schema-fields.js';
import {
  anchorField,
  checkPathAndAnchor,
  pathAliasFields,
  regexField,
  resolvePath,
  translateAnchor,
} from './lib/fields/text-edit-fields.js';
import { planTextEdit, probeTextFile } from './lib/file-modules/text-edit-module.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule } from './types.js';

const LINE: AliasSpec = { field: 'line', aliases: ['value'], what: 'the line to have in the file' };

const schema = z
  .object({
    ...pathAliasFields,
    line: z
      .string()
      .optional()
      .describe('The line to ensure (state present); with backrefs it may use \\1 or \\g<name> from regexp.'),
    value: z.string().optional().describe('Alias of line.'),
    regexp: regexField
      .optional()
      .describe(
        'Regular expression (JavaScript syntax) matched against each line without its line ending. present: the last matching line is replaced; absent: every matching line is removed.',
      ),
    search_string: z
      .string()
      .optional()
      .describe('Literal text instead of regexp: lines containing it are replaced/removed.'),
    state: z
      .enum(['present', 'absent'], { error: "must be 'present' or 'absent'" })
      .default('present')
      .describe('Whether the line should be there.'),
    insertafter: anchorField('EOF')
      .optional()
      .describe('When nothing matches: insert after the last line matching this regex, or EOF (the default).'),
    insertbefore: anchorField('BOF')
      .optional()
      .describe('When nothing matches: insert before the last line matching this regex, or BOF.'),
    firstmatch: boolField(false).describe(
      'Use the first line matching regexp/insertafter/insertbefore instead of the last.',
    ),
    backrefs: boolField(false).describe(
      'Fill \\1 / \\g<name> in line from regexp; when regexp matches nothing, the file is left unchanged.',
    ),
    create: boolField(false).describe('Create the file (and its directories) when it is missing.'),
    ...fileAttributeFields,
  })
  .superRefine((args, ctx) => {
    checkPathAndAnchor(args, ctx);
    checkAliases(args, LINE, ctx, { optional: true });
    const line = readAliased<string>(args, LINE);
    if (args.regexp !== undefined && args.search_string !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give regexp or search_string, not both', path: ['regexp'] });
    if (args.state === 'present' && line === undefined)
      ctx.addIssue({ code: 'custom', message: 'state present needs line', path: ['line'] });
    if (line !== undefined && /[\r\n]/.test(line))
      ctx.addIssue({
        code: 'custom',
        message: 'line must be a single line (no newline); use blockinfile for several lines',
        path: ['line'],
      });
    if (
      args.state === 'absent' &&
      line === undefined &&
      args.regexp === undefined &&
      args.search_string === undefined
    ) {
      ctx.addIssue({ code: 'custom', message: 'state absent needs line, regexp or search_string', path: ['line'] });
    }
    if (args.backrefs && args.regexp === undefined)
      ctx.addIssue({ code: 'custom', message: 'backrefs needs regexp', path: ['backrefs'] });
  });

/** The arguments with path and line under their own names. */
function resolveAliases(raw: Raw) {
  const { dest: _dest, destfile: _destfile, name: _name, value: _value, ...rest } = raw;
  return { ...rest, path: resolvePath(raw), line: readAliased<string>(raw, LINE) };
}

type Raw = z.infer<typeof schema>;
type Args = ReturnType<typeof resolveAliases>;

export const module = defineModule<Raw, PathState>({
  name: 'lineinfile',
  summary: 'Ensure one line is in a file (or absent), replacing the line a regexp matches.',
  description: [
    'Edits one line of a text file. The probe fetches the file; the edit is computed on the controller and the whole new',
    "content is put atomically, with a diff. Regular expressions are JavaScript's (close to Python's for common patterns;",
    "Python's (?P<name>...) is accepted), matched against each line without its line ending. A symlink's target is edited.",
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: 'Set an sshd option',
      yaml: `- lineinfile:\n    path: /etc/ssh/sshd_config\n    regexp: '^#?PasswordAuthentication '\n    line: PasswordAuthentication no\n    validate: /usr/sbin/sshd -t -f %s`,
    },
    {
      title: 'Remove a line',
      yaml: `- lineinfile:\n    path: /etc/hosts\n    regexp: '\\soldname$'\n    state: absent`,
    },
  ],
  probe(raw) {
    return probeTextFile(resolveAliases(raw).path);
  },
  parse(output) {
    return parsePathState(output);
  },
  plan(raw, current, ctx) {
    const args = resolveAliases(raw);
    const regexp = args.regexp === undefined ? undefined : new RegExp(translatePythonRegex(args.regexp));
    return planTextEdit(
      args,
      current,
      ctx,
      (text) =>
        editLine(text, {
          state: args.state,
          line: args.line,
          regexp,
          searchString: args.search_string,
          insertAfter: translateAnchor(args.insertafter, 'EOF'),
          insertBefore: translateAnchor(args.insertbefore, 'BOF'),
          backrefs: args.backrefs,
          firstMatch: args.firstmatch,
        }),
      args.state === 'absent',
    );
  },
});
