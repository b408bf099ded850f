import { z } from 'zod';
import { MASK } from '../secrets/mask.js';
import {
  buildCtlCommand,
  rabbitUnavailable,
  rabbitNameField,
  rabbitStateProbe,
  rabbitmqNodeField,
  verifyRabbitPassword,
  type RabbitPermission,
  type RabbitState,
} from './rabbitmq/rabbitmqctl.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule, type Change, type CommandChange } from './types.js';

const privField = (what: string) =>
  z
    .string({ error: 'must be a regular expression (a string)' })
    .default('.*')
    .describe(`Regular expression of the resources the user may ${what}; ".*" is all, "" or "^$" none.`);

const permissionSchema = z.object({
  vhost: rabbitNameField('vhost').describe('The vhost these permissions apply to (it must exist: rabbitmq_vhost).'),
  configure_priv: privField('configure (declare, delete)'),
  write_priv: privField('write to (publish)'),
  read_priv: privField('read from (consume, bind)'),
});

const tagsField = z
  .union([z.string(), z.array(z.string())], { error: 'must be a list of tags or a comma-separated string' })
  .transform((value) =>
    [...new Set((Array.isArray(value) ? value : value.split(',')).map((t) => t.trim()).filter((t) => t !== ''))].sort(),
  );

const NAME: AliasSpec = { field: 'name', aliases: ['user', 'username'], what: 'the user to manage' };

const schema = z
  .object({
    name: rabbitNameField('user').optional().describe('Name of the user (required; aliases: user, username).'),
    user: rabbitNameField('user').optional().describe("Alias of name (Ansible's name for it)."),
    username: rabbitNameField('user').optional().describe('Alias of name.'),
    password: z
      .string({ error: 'must be a string (quote numbers in YAML)' })
      .min(1, 'must not be empty; omit password to leave it unmanaged')
      .refine((p) => !/[\0\n\r]/.test(p), 'must not contain NUL or line breaks')
      .refine((p) => p.trim() === p, 'must not start or end with whitespace: rabbitmqctl trims the password it reads')
      .optional()
      .describe(
        'Password of the user. Checked against the hash RabbitMQ stores, so an unchanged password is not a change; sent to rabbitmqctl on stdin, never on its command line. A new user without a password cannot log in with one.',
      ),
    update_password: z
      .enum(['always', 'on_create'], { error: 'must be always or on_create' })
      .default('always')
      .describe(
        'always: a password that differs from the stored one is changed. on_create: only a new user gets the password.',
      ),
    tags: tagsField
      .optional()
      .describe(
        "User tags such as administrator, monitoring, management: a list or a comma-separated string. Replaces the user's tags; [] removes them. Omitted: left as they are.",
      ),
    permissions: z
      .array(permissionSchema, { error: 'must be a list of {vhost, configure_priv, write_priv, read_priv}' })
      .optional()
      .describe(
        'Permissions per vhost; each *_priv defaults to ".*". The list is complete: permissions on vhosts not listed are cleared. Omitted: left as they are.',
      ),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe('present: the user exists as described. absent: the user is deleted.'),
    node: rabbitmqNodeField,
  })
  .superRefine((args, ctx) => {
    checkAliases(args, NAME, ctx);
    const vhosts = (args.permissions ?? []).map((p) => p.vhost);
    const twice = vhosts.find((v, i) => vhosts.indexOf(v) !== i);
    if (twice !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `vhost ${twice} is listed twice in permissions: merge the entries`,
        path: ['permissions'],
      });
  })
  .transform((args) => ({ ...args, name: readAliased<string>(args, NAME)! }));

type Args = z.infer<typeof schema>;

/** ".*" "" "^amq" — quoted so an empty expression stays visible. */
function describePermission(p: RabbitPermission | undefined): string {
  return p ? [p.configure, p.write, p.read].map((x) => JSON.stringify(x)).join(' ') : '(none)';
}

function describeTags(tags: string[]): string {
  return tags.length ? tags.join(', ') : '(none)';
}

function wantedPermissions(args: Args): Map<string, RabbitPermission> {
  return new Map(
    (args.permissions ?? []).map((p) => [
      p.vhost,
      { configure: p.configure_priv, write: p.write_priv, read: p.read_priv },
    ]),
  );
}

function samePermission(a: RabbitPermission | undefined, b: RabbitPermission): boolean {
  return a !== undefined && a.configure === b.configure && a.write === b.write && a.read === b.read;
}

interface CtlStep {
  verb: string;
  args: string[];
  vhost?: string;
}

function ctl(args: Args, ...steps: CtlStep[]): string {
  return buildCtlCommand(args.node, steps);
}

function setPermissionStep(args: Args, vhost: string, p: RabbitPermission): CtlStep {
  return { verb: 'set_permissions', args: [args.name, p.configure, p.write, p.read], vhost };
}

export const module = defineModule<Args, RabbitState>({
  name: 'rabbitmq_user',
  summary: 'A RabbitMQ user with its password, tags and per-vhost permissions.',
  description: [
    'Adds, changes or deletes a RabbitMQ user with rabbitmqctl (add_user, set_user_tags, set_permissions as in the guides).',
    'The probe is one read-only `rabbitmqctl export_definitions`; the password is compared with the salted hash stored there',
    '(sha256, sha512 or md5), so an unchanged password is not a change and one changed by hand shows up in check mode as',
    '"change password of user NAME" with both sides masked. The password reaches rabbitmqctl on stdin only. Permissions',
    "are compared per vhost; the list is complete, like Ansible's. The task runs as root (the broker's Erlang cookie).",
  ].join(' '),
  schema: schema,
  secretArgs: ['password'],
  examples: [
    {
      title: "The application's user with all permissions on its vhost",
      yaml: `- rabbitmq_user:\n    name: sphere_user\n    password: "{{ rabbitmq_password }}"\n    permissions:\n      - vhost: localhost_my_project`,
    },
    {
      title: 'A monitoring user that may only read',
      yaml: `- rabbitmq_user:\n    name: monitor\n    password: "{{ monitor_password }}"\n    tags: [monitoring]\n    permissions:\n      - vhost: /\n        configure_priv: "^$"\n        write_priv: "^$"\n        read_priv: ".*"`,
    },
    { title: 'Remove the default guest user', yaml: `- rabbitmq_user:\n    name: guest\n    state: absent` },
  ],
  ...rabbitStateProbe,
  plan(args, current, ctx) {
    // The broker cannot be read: what it holds is unknown, never "absent".
    const unmet = rabbitUnavailable(current);
    if (unmet) return { changes: [], unmet };
    const user = current.users.get(args.name);
    if (args.state === 'absent') {
      if (!user) return { changes: [] };
      return {
        changes: [
          {
            kind: 'command',
            command: ctl(args, { verb: 'delete_user', args: [args.name] }),
            cwd: '/',
            summary: `delete user ${args.name}`,
            from: 'present',
            to: 'absent',
          },
        ],
      };
    }
    if (!user) return { changes: [planCreate(args, '')] };
    return {
      changes: planUpdate(
        args,
        user.passwordHash === '' ? undefined : user,
        user.tags,
        current.permissions.get(args.name) ?? new Map(),
      ),
    };
  },
});

/** One command: add the user (password on stdin), then its tags and permissions. */
function planCreate(args: Args, note: string): CommandChange {
  // Without a password the user gets an empty one, which RabbitMQ refuses to authenticate.
  const steps: CtlStep[] = [{ verb: 'add_user', args: args.password === undefined ? [args.name, ''] : [args.name] }];
  const parts: string[] = [];
  if (args.tags?.length) {
    steps.push({ verb: 'set_user_tags', args: [args.name, ...args.tags] });
    parts.push(`tags ${args.tags.join(', ')}`);
  }
  for (const [vhost, p] of wantedPermissions(args)) {
    steps.push(setPermissionStep(args, vhost, p));
    parts.push(`permissions ${describePermission(p)} on ${vhost}`);
  }
  return {
    kind: 'command',
    command: ctl(args, ...steps),
    stdin: args.password === undefined ? undefined : `${args.password}\n`,
    cwd: '/',
    summary: `add user ${args.name}${args.password === undefined ? '' : ' with a password'}${parts.length ? ` (${parts.join('; ')})` : ''}${note}`,
    from: 'absent',
    to: 'present',
  };
}

function planUpdate(
  args: Args,
  user: Parameters<typeof verifyRabbitPassword>[0] | undefined,
  tags: string[],
  permissions: Map<string, RabbitPermission>,
): Change[] {
  const changes: Change[] = [];
  if (
    args.password !== undefined &&
    args.update_password === 'always' &&
    !(user && verifyRabbitPassword(user, args.password))
  ) {
    changes.push({
      kind: 'command',
      command: ctl(args, { verb: 'change_password', args: [args.name] }),
      stdin: `${args.password}\n`,
      cwd: '/',
      summary: `change password of user ${args.name}`,
      from: user ? MASK : 'none',
      to: MASK,
    });
  }
  if (args.tags !== undefined && args.tags.join('\n') !== [...tags].sort().join('\n')) {
    changes.push({
      kind: 'command',
      command: ctl(args, { verb: 'set_user_tags', args: [args.name, ...args.tags] }),
      cwd: '/',
      summary: `set tags of user ${args.name}: ${describeTags(tags)} → ${describeTags(args.tags)}`,
      from: describeTags(tags),
      to: describeTags(args.tags),
    });
  }
  if (args.permissions === undefined) return changes;
  const wanted = wantedPermissions(args);
  for (const [vhost, p] of wanted) {
    const found = permissions.get(vhost);
    if (samePermission(found, p)) continue;
    changes.push({
      kind: 'command',
      command: ctl(args, setPermissionStep(args, vhost, p)),
      cwd: '/',
      summary: `set permissions of user ${args.name} on vhost ${vhost}: ${describePermission(found)} → ${describePermission(p)}`,
      from: describePermission(found),
      to: describePermission(p),
    });
  }
  for (const [vhost, found] of permissions) {
    if (wanted.has(vhost)) continue;
    changes.push({
      kind: 'command',
      command: ctl(args, { verb: 'clear_permissions', args: [args.name], vhost }),
      cwd: '/',
      summary: `clear permissions of user ${args.name} on vhost ${vhost} (not listed)`,
      from: describePermission(found),
      to: '(none)',
    });
  }
  return changes;
}
