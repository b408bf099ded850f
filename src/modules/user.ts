import { createHash } from 'node:crypto';
import { z } from 'zod';
import { quote, quoteArgs } from '../remote/quote.js';
import { accountNameField, groupListField } from './lib/fields/account-name-field.js';
import { optionalBoolField } from './lib/fields/optional-bool-field.js';
import { buildUserProbe, parseUserProbe, type UserState } from './accounts/passwd-probe.js';
import { boolField } from './lib/fields/schema-fields.js';
import { wholeNumberField } from './lib/fields/whole-number-field.js';
import { defineModule, type Change, type Plan } from './types.js';

const noBreaks = (what: string) =>
  z.string({ error: `must be ${what} (a string)` }).regex(/^[^:\n\r]*$/, `must be ${what} without ':' or line breaks`);

const schema = z
  .strictObject({
    name: accountNameField('user').describe('The user name.'),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe('present: the account exists with the given attributes. absent: it is deleted (userdel).'),
    uid: wholeNumberField('a user id').optional().describe('The numeric user id.'),
    non_unique: boolField(false).describe('Allow a uid another account already has (-o).'),
    group: z
      .union([wholeNumberField('a group id'), accountNameField('group')])
      .transform(String)
      .optional()
      .describe('Primary group, by name or gid. Unset at creation: a group named after the user (Debian default).'),
    groups: groupListField
      .optional()
      .describe(
        'Supplementary groups: a list, or a comma-separated string. Without append the user ends up in exactly these (an empty list removes all); unset leaves them alone.',
      ),
    append: boolField(false).describe('With groups: add the user to them and keep its other groups.'),
    home: z
      .string()
      .regex(/^\/[^:\n\r]*$/, 'must be an absolute path without ":"')
      .optional()
      .describe('Home directory.'),
    create_home: optionalBoolField().describe(
      'Create the home directory (copied from /etc/skel) when the account is created. Default true. Alias: createhome.',
    ),
    createhome: optionalBoolField().describe('Alias of create_home.'),
    move_home: boolField(false).describe(
      "When home changes, move the old directory's content to the new one (usermod -m).",
    ),
    shell: noBreaks('a shell path').optional().describe('Login shell, e.g. /bin/bash or /usr/sbin/nologin.'),
    system: boolField(false).describe(
      'Create a system account (uid from the system range, no aging). Has no effect on an existing account.',
    ),
    comment: noBreaks('a comment').optional().describe('The GECOS field (full name).'),
    password: noBreaks('a crypted password hash')
      .optional()
      .describe(
        'The crypted hash as in /etc/shadow (e.g. from `mkpasswd -m sha-512`), never a clear-text password. It is set with chpasswd -e through stdin, never on a command line, and masked in all output.',
      ),
    update_password: z
      .enum(['always', 'on_create'], { error: 'must be always or on_create' })
      .default('always')
      .describe('always: set the hash whenever it differs. on_create: only when the account is created.'),
    password_lock: optionalBoolField().describe(
      'true locks the password (usermod -L, "!" in front of the hash), false unlocks it.',
    ),
    remove: boolField(false).describe('With state absent: also remove the home directory and mail spool (userdel -r).'),
    force: boolField(false).describe('With state absent: delete even while the user is logged in (userdel -f).'),
  })
  .superRefine((args, ctx) => {
    if (args.create_home !== undefined && args.createhome !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give create_home once: createhome is its alias', path: ['createhome'] });
  });

type Args = z.infer<typeof schema>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function usermod(flags: Array<string | number>, name: string): string {
  return `usermod ${quoteArgs(flags)} -- ${quote(name)}`;
}

function setPassword(args: Args, summary: string, from?: string): Change {
  // chpasswd -e reads NAME:HASH from stdin: the hash never reaches a command line.
  return {
    kind: 'command',
    command: 'chpasswd -e',
    stdin: `${args.name}:${args.password}\n`,
    summary,
    from,
    to: 'the given hash',
  };
}

function planCreate(args: Args): Change[] {
  const flags: Array<string | number> = [];
  if (args.uid !== undefined) flags.push('-u', args.uid);
  if (args.non_unique) flags.push('-o');
  if (args.group !== undefined) flags.push('-g', args.group);
  if (args.groups !== undefined && args.groups.length > 0) flags.push('-G', args.groups.join(','));
  if (args.home !== undefined) flags.push('-d', args.home);
  flags.push((args.create_home ?? args.createhome ?? true) ? '-m' : '-M');
  if (args.shell !== undefined) flags.push('-s', args.shell);
  if (args.system) flags.push('-r');
  if (args.comment !== undefined) flags.push('-c', args.comment);
  const changes: Change[] = [
    {
      kind: 'command',
      command: `useradd ${quoteArgs(flags)} -- ${quote(args.name)}`,
      summary: `create user ${args.name}`,
      from: 'absent',
      to: 'present',
    },
  ];
  if (args.password !== undefined) changes.push(setPassword(args, `set the password of ${args.name}`, 'none'));
  if (args.password_lock)
    changes.push({
      kind: 'command',
      command: usermod(['-L'], args.name),
      summary: `lock the password of ${args.name}`,
      from: 'unlocked',
      to: 'locked',
    });
  return changes;
}

function planGroups(args: Args, current: UserState): Change | undefined {
  if (args.groups === undefined) return undefined;
  const primary = current.primaryGroup?.name;
  const have = current.memberOf.filter((g) => g !== primary);
  const wanted = [...new Set(args.groups.filter((g) => g !== primary))];
  const from = have.join(',') || '(none)';
  if (args.append) {
    const missing = wanted.filter((g) => !have.includes(g));
    if (missing.length === 0) return undefined;
    return {
      kind: 'command',
      command: usermod(['-a', '-G', missing.join(',')], args.name),
      summary: `add ${args.name} to group${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      from,
      to: [...have, ...missing].join(','),
    };
  }
  const same = have.length === wanted.length && wanted.every((g) => have.includes(g));
  if (same) return undefined;
  return {
    kind: 'command',
    command: usermod(['-G', wanted.join(',')], args.name),
    summary: `set the groups of ${args.name} to ${wanted.join(', ') || '(none)'}`,
    from,
    to: wanted.join(',') || '(none)',
  };
}

function planModify(args: Args, current: UserState): Plan {
  const user = current.user!;
  const changes: Change[] = [];
  const attribute = (field: string, from: string, to: string, flags: Array<string | number>) => {
    changes.push({
      kind: 'command',
      command: usermod(flags, args.name),
      summary: `set ${field} of user ${args.name} to ${to}`,
      from,
      to,
    });
  };
  if (args.group !== undefined) {
    const numeric = /^\d+$/.test(args.group);
    const differs = numeric ? Number(args.group) !== user.gid : current.primaryGroup?.name !== args.group;
    if (differs)
      attribute('primary group', current.primaryGroup?.name ?? String(user.gid), args.group, ['-g', args.group]);
  }
  const groups = planGroups(args, current);
  if (groups) changes.push(groups);
  if (args.uid !== undefined && args.uid !== user.uid)
    attribute('uid', String(user.uid), String(args.uid), args.non_unique ? ['-o', '-u', args.uid] : ['-u', args.uid]);
  if (args.home !== undefined && args.home !== user.home)
    attribute('home', user.home, args.home, args.move_home ? ['-m', '-d', args.home] : ['-d', args.home]);
  if (args.shell !== undefined && args.shell !== user.shell)
    attribute('shell', user.shell, args.shell, ['-s', args.shell]);
  if (args.comment !== undefined && args.comment !== user.comment)
    attribute('comment', user.comment, args.comment, ['-c', args.comment]);
  const needsShadow =
    (args.password !== undefined && args.update_password === 'always') || args.password_lock !== undefined;
  if (needsShadow && current.shadow === 'unreadable') {
    return {
      changes: [],
      failed: `cannot read /etc/shadow to compare the password of ${args.name}: run this task as root (become: true)`,
    };
  }
  if (args.password !== undefined && args.update_password === 'always') {
    const wanted = sha256(args.password.replace(/^!+/, ''));
    if (current.shadow === 'none' || current.passwordSha256 !== wanted) {
      changes.push(
        setPassword(args, `set the password of ${args.name}`, current.shadow === 'none' ? 'none' : 'a different hash'),
      );
    }
  }
  if (args.password_lock !== undefined && args.password_lock !== current.locked) {
    const lock = args.password_lock;
    changes.push({
      kind: 'command',
      command: usermod([lock ? '-L' : '-U'], args.name),
      summary: `${lock ? 'lock' : 'unlock'} the password of ${args.name}`,
      from: lock ? 'unlocked' : 'locked',
      to: lock ? 'locked' : 'unlocked',
    });
  }
  return { changes };
}

export const module = defineModule<Args, UserState>({
  name: 'user',
  summary: 'Create, change or delete a local user account.',
  description: [
    'Creates the account (useradd), brings an existing one to the given uid, primary group, supplementary groups, home,',
    'shell and comment (one usermod per attribute that differs, each shown as from -> to), sets its password from a crypted',
    'hash, or deletes it (userdel). Only the attributes a task names are compared; the others are left alone. The probe reads',
    'getent passwd/group and, as root, /etc/shadow; only a sha256 digest of the stored hash leaves the host, and the wanted',
    'hash reaches the host through chpasswd -e on stdin, never on a command line. An existing user whose home directory is',
    'missing does not get it recreated (Ansible recreates it); home directories are only created with the account.',
  ].join(' '),
  schema: schema,
  secretArgs: ['password'],
  examples: [
    {
      title: 'The application user',
      yaml: `- user:\n    name: www\n    comment: Web application\n    shell: /bin/bash\n    home: /srv/www\n    groups: [www-data]\n    append: true`,
    },
    {
      title: 'A system account without a login',
      yaml: `- user:\n    name: celery\n    system: true\n    shell: /usr/sbin/nologin\n    create_home: false`,
    },
    {
      title: 'A password from the vault',
      yaml: `- user:\n    name: deploy\n    password: "{{ deploy_password_hash }}"\n    update_password: on_create`,
    },
    {
      title: 'Delete an account and its home',
      yaml: `- user:\n    name: olduser\n    state: absent\n    remove: true`,
    },
  ],
  probe(args) {
    return buildUserProbe(args.name);
  },
  parse(output) {
    return parseUserProbe(output.stdout);
  },
  plan(args, current) {
    if (args.state === 'absent') {
      if (!current.user) return { changes: [] };
      const flags = [...(args.remove ? ['-r'] : []), ...(args.force ? ['-f'] : [])];
      return {
        changes: [
          {
            kind: 'command',
            command: `userdel ${flags.length ? `${flags.join(' ')} ` : ''}-- ${quote(args.name)}`,
            summary: `delete user ${args.name}${args.remove ? ' and its home' : ''}`,
            from: 'present',
            to: 'absent',
          },
        ],
      };
    }
    return current.user ? planModify(args, current) : { changes: planCreate(args) };
  },
});
