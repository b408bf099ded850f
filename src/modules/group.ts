import { z } from 'zod';
import { quote, quoteArgs } from '../remote/quote.js';
import { accountNameField } from './lib/fields/account-name-field.js';
import { buildGroupProbe, parseGroupProbe, type GroupEntry } from './accounts/passwd-probe.js';
import { boolField } from './lib/fields/schema-fields.js';
import { wholeNumberField } from './lib/fields/whole-number-field.js';
import { defineModule, type Plan } from './types.js';

const schema = z.strictObject({
  name: accountNameField('group').describe('The group name.'),
  state: z
    .enum(['present', 'absent'], { error: 'must be present or absent' })
    .default('present')
    .describe('present: the group exists (with the given gid). absent: it is deleted.'),
  gid: wholeNumberField('a group id')
    .optional()
    .describe('The numeric group id; an existing group with another gid is changed (groupmod -g).'),
  system: boolField(false).describe(
    'Create a system group (gid from the system range). Has no effect on an existing group.',
  ),
  non_unique: boolField(false).describe('Allow a gid another group already has (-o).'),
  force: boolField(false).describe(
    'With state absent: delete the group even when it is the primary group of a user (groupdel -f).',
  ),
});

type Args = z.infer<typeof schema>;
/** The group's entry, or undefined when it does not exist. */
type GroupState = GroupEntry | undefined;

export const module = defineModule<Args, GroupState>({
  name: 'group',
  summary: 'Create, change the gid of, or delete a local group.',
  description:
    'Creates the group (groupadd), changes its gid when one is given and differs (groupmod -g), or deletes it (groupdel). The probe reads getent group.',
  schema: schema,
  examples: [
    { title: 'A group with a fixed gid', yaml: `- group:\n    name: www\n    gid: 1500` },
    { title: 'A system group', yaml: `- group:\n    name: celery\n    system: true` },
    { title: 'Remove a group', yaml: `- group:\n    name: oldteam\n    state: absent` },
  ],
  probe(args) {
    return buildGroupProbe(args.name);
  },
  parse(output) {
    return parseGroupProbe(output.stdout);
  },
  plan(args, current): Plan {
    if (args.state === 'absent') {
      if (!current) return { changes: [] };
      return {
        changes: [
          {
            kind: 'command',
            command: `groupdel ${args.force ? '-f ' : ''}-- ${quote(args.name)}`,
            summary: `delete group ${args.name}`,
            from: 'present',
            to: 'absent',
          },
        ],
      };
    }
    const unique = args.non_unique ? ['-o'] : [];
    if (!current) {
      const flags = [...(args.gid !== undefined ? ['-g', args.gid] : []), ...unique, ...(args.system ? ['-r'] : [])];
      return {
        changes: [
          {
            kind: 'command',
            command: `groupadd ${flags.length ? `${quoteArgs(flags)} ` : ''}-- ${quote(args.name)}`,
            summary: `create group ${args.name}${args.gid !== undefined ? ` (gid ${args.gid})` : ''}`,
            from: 'absent',
            to: 'present',
          },
        ],
      };
    }
    if (args.gid !== undefined && args.gid !== current.gid) {
      return {
        changes: [
          {
            kind: 'command',
            command: `groupmod ${quoteArgs(['-g', args.gid, ...unique])} -- ${quote(args.name)}`,
            summary: `set gid of group ${args.name} to ${args.gid}`,
            from: String(current.gid),
            to: String(args.gid),
          },
        ],
      };
    }
    return { changes: [], result: { gid: current.gid } };
  },
});
