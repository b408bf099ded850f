import { z } from 'zod';
import { buildPasswordSql, describePassword } from './postgres/password-sql.js';
import { verifyPostgresPassword } from './postgres/password.js';
import {
  ATTRIBUTE_NAMES,
  ROLE_ATTRIBUTES,
  attributeWord,
  roleAttributesField,
  type RoleAttribute,
  type RoleAttributes,
} from './postgres/role-attributes.js';
import {
  buildPsqlProbe,
  pgUnavailable,
  hexText,
  parsePsqlProbe,
  pgConnectionFields,
  pgNameField,
  psqlChange,
  quoteIdent,
  type PgProbe,
} from './postgres/sql.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule, type Change, type Plan } from './types.js';

const NAME: AliasSpec = { field: 'name', aliases: ['user'], what: 'the role to manage' };

const schema = z
  .object({
    name: pgNameField('role')
      .optional()
      .describe('Name of the role (required; alias: user). Any text: quotes, spaces and $ are quoted for SQL.'),
    user: pgNameField('role').optional().describe('Alias of name.'),
    password: z
      .string({ error: 'must be a string (quote numbers in YAML)' })
      .refine((p) => !p.includes('\0'), 'must not contain a NUL byte')
      .optional()
      .describe(
        "Password of the role. Compared with the stored SCRAM-SHA-256 (or md5) verifier, so an unchanged password is not a change. Sent as a SCRAM verifier (ASCII passwords) or on psql's stdin, never on a command line. An empty string removes the password. Omitted: the password is left as it is.",
      ),
    attributes: roleAttributesField
      .optional()
      .describe(
        'Role attributes: a list or a comma-separated string of LOGIN, SUPERUSER, CREATEDB, CREATEROLE, REPLICATION, INHERIT, BYPASSRLS and their NO forms (NOSUPERUSER). Only the attributes named are managed. A new role gets LOGIN unless NOLOGIN is given. Alias: role_attr_flags.',
      ),
    role_attr_flags: roleAttributesField
      .optional()
      .describe('Alias of attributes (Ansible\'s name), e.g. "CREATEDB,NOSUPERUSER".'),
    conn_limit: z
      .union(
        [
          z.number().int().min(-1),
          z
            .string()
            .regex(/^\s*-?\d+\s*$/)
            .transform((v) => Number(v.trim())),
        ],
        { error: 'must be a whole number (-1 for no limit)' },
      )
      .optional()
      .describe('Maximum concurrent connections of the role; -1 is no limit. Omitted: left as it is.'),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe(
        'present: the role exists as described. absent: the role is dropped (PostgreSQL refuses while it owns objects or holds privileges: reassign or drop them first).',
      ),
    ...pgConnectionFields,
  })
  .superRefine((args, ctx) => {
    checkAliases(args, NAME, ctx);
    if (args.attributes !== undefined && args.role_attr_flags !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'give attributes once: attributes and role_attr_flags are the same parameter',
        path: ['role_attr_flags'],
      });
  })
  .transform((args) => ({ ...args, name: readAliased<string>(args, NAME)! }));

type Args = z.infer<typeof schema>;

export interface RoleState {
  probe: PgProbe;
  role?: {
    attributes: Record<RoleAttribute, boolean>;
    connLimit: number;
    /** pg_authid.rolpassword: a SCRAM or md5 verifier; undefined without a password. */
    verifier?: string;
  };
}

const COLUMNS = ATTRIBUTE_NAMES.map((name) => ROLE_ATTRIBUTES[name]);

function buildRoleQuery(name: string): string {
  return `SELECT concat_ws('|', 'role', ${COLUMNS.join(', ')}, rolconnlimit, coalesce(rolpassword, '')) FROM pg_authid WHERE rolname = ${hexText(name)}`;
}

/** Parses the probe's `role|t|f|...|connlimit|verifier` row. */
export function parseRoleState(stdout: string): RoleState {
  const probe = parsePsqlProbe(stdout);
  const row = probe.rows.find((r) => r.startsWith('role|'));
  if (!row) return { probe };
  const fields = row.split('|').slice(1);
  const attributes = Object.fromEntries(
    ATTRIBUTE_NAMES.map((name, i) => [name, fields[i] === 't' || fields[i] === 'true']),
  ) as Record<RoleAttribute, boolean>;
  const verifier = fields.slice(COLUMNS.length + 1).join('|');
  return {
    probe,
    role: { attributes, connLimit: Number(fields[COLUMNS.length]), verifier: verifier === '' ? undefined : verifier },
  };
}

function wantedAttributes(args: Args): RoleAttributes {
  return args.attributes ?? args.role_attr_flags ?? {};
}

export const module = defineModule<Args, RoleState>({
  name: 'postgres_user',
  summary: 'A PostgreSQL role with its password, attributes and connection limit.',
  description: [
    'Creates, changes or drops a PostgreSQL role (CREATE USER ... PASSWORD in the guides). The probe runs psql as login_user',
    '(runuser or sudo -n) and reads pg_authid, so the password is checked against the stored SCRAM-SHA-256 or md5 verifier:',
    'an unchanged password is not a change, and a password changed by hand shows up in check mode as "set password of role',
    'NAME" with both sides masked. SQL reaches psql on stdin (psql -X -q -v ON_ERROR_STOP=1), never on a command line; an',
    'ASCII password is sent as a SCRAM-SHA-256 verifier salted with 16 random bytes the probe read on the host, so not even',
    'the server sees the plaintext. Names are quoted as SQL identifiers, so any text works as a role name.',
  ].join(' '),
  schema: schema,
  secretArgs: ['password'],
  examples: [
    {
      title: "The application's database user",
      yaml: `- postgres_user:\n    name: shop\n    password: "{{ shop_db_password }}"\n    attributes: [LOGIN, NOSUPERUSER, NOCREATEROLE]`,
    },
    {
      title: "Ansible's spelling, with a connection limit",
      yaml: `- postgres_user:\n    name: reporting\n    password: "{{ reporting_password }}"\n    role_attr_flags: CREATEDB,NOSUPERUSER\n    conn_limit: 10`,
    },
    { title: 'Drop a role', yaml: `- postgres_user:\n    name: old_app\n    state: absent` },
  ],
  probe(args) {
    return buildPsqlProbe(args, buildRoleQuery(args.name));
  },
  parse(output) {
    return parseRoleState(output.stdout);
  },
  plan(args, current, ctx) {
    // The role cannot be read: its state is unknown, never "absent".
    if (current.probe.status !== 'ok') return { changes: [], unmet: pgUnavailable(current.probe) };
    if (args.password && !current.probe.salt)
      return {
        changes: [],
        failed: `the probe on ${ctx.host} could not read random bytes for a password salt (head -c 16 /dev/urandom)`,
      };
    const note = '';
    if (args.state === 'absent') {
      if (!current.role) return { changes: [] };
      return {
        changes: [
          {
            ...psqlChange(args, [`DROP ROLE ${quoteIdent(args.name)};`]),
            summary: `drop role ${args.name}`,
            from: 'present',
            to: 'absent',
          },
        ],
      };
    }
    return current.role ? planAlter(args, current.role, current.probe) : planCreate(args, current.probe, note);
  },
});

function planCreate(args: Args, probe: PgProbe, note: string): Plan {
  const attributes: RoleAttributes = { LOGIN: true, ...wantedAttributes(args) };
  const words = ATTRIBUTE_NAMES.filter((name) => attributes[name] !== undefined).map((name) =>
    attributeWord(name, attributes[name]!),
  );
  const clauses = [...words];
  if (args.conn_limit !== undefined) clauses.push(`CONNECTION LIMIT ${args.conn_limit}`);
  const setup: string[] = [];
  if (args.password !== undefined && args.password !== '') {
    // Without a salt (only in check mode, see plan) the verifier is never sent.
    const password = buildPasswordSql(args.password, probe.salt ?? Buffer.alloc(16));
    setup.push(...password.setup);
    clauses.push(password.clause);
  }
  const withPassword = args.password ? ' with a password' : '';
  const limit = args.conn_limit !== undefined ? `, connection limit ${args.conn_limit}` : '';
  return {
    changes: [
      {
        ...psqlChange(args, [...setup, `CREATE ROLE ${quoteIdent(args.name)} WITH ${clauses.join(' ')};`]),
        summary: `create role ${args.name} (${words.join(', ')}${limit})${withPassword}${note}`,
        from: 'absent',
        to: 'present',
      },
    ],
  };
}

function planAlter(args: Args, role: NonNullable<RoleState['role']>, probe: PgProbe): Plan {
  const changes: Change[] = [];
  const name = quoteIdent(args.name);
  const wanted = wantedAttributes(args);
  const differing = ATTRIBUTE_NAMES.filter(
    (attr) => wanted[attr] !== undefined && wanted[attr] !== role.attributes[attr],
  );
  if (differing.length > 0) {
    const from = differing.map((attr) => attributeWord(attr, role.attributes[attr])).join(', ');
    const to = differing.map((attr) => attributeWord(attr, wanted[attr]!)).join(', ');
    changes.push({
      ...psqlChange(args, [`ALTER ROLE ${name} WITH ${to.replace(/,/g, '')};`]),
      summary: `set attributes of role ${args.name}: ${from} → ${to}`,
      from,
      to,
    });
  }
  if (args.conn_limit !== undefined && args.conn_limit !== role.connLimit) {
    changes.push({
      ...psqlChange(args, [`ALTER ROLE ${name} WITH CONNECTION LIMIT ${args.conn_limit};`]),
      summary: `set connection limit of role ${args.name}: ${role.connLimit} → ${args.conn_limit}`,
      from: String(role.connLimit),
      to: String(args.conn_limit),
    });
  }
  if (args.password !== undefined && !passwordMatches(args.password, role.verifier, args.name)) {
    const password = buildPasswordSql(args.password, probe.salt ?? Buffer.alloc(16));
    changes.push({
      ...psqlChange(args, [...password.setup, `ALTER ROLE ${name} WITH ${password.clause};`]),
      summary: args.password === '' ? `remove password of role ${args.name}` : `set password of role ${args.name}`,
      from: describePassword(role.verifier),
      to: describePassword(args.password),
    });
  }
  return { changes };
}

function passwordMatches(password: string, verifier: string | undefined, role: string): boolean {
  if (password === '') return verifier === undefined;
  return verifyPostgresPassword(verifier, password, role);
}
