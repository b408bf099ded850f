import { z } from 'zod';
import {
  parseSettingEntries,
  settingKey,
  settingsField,
  storedSettingText,
  type SettingValue,
} from './postgres/settings.js';
import {
  buildPsqlProbe,
  decodeHex,
  pgUnavailable,
  hexOf,
  hexText,
  parsePsqlProbe,
  pgConnectionFields,
  pgNameField,
  psqlChange,
  quoteIdent,
  quoteLiteral,
  type PgProbe,
} from './postgres/sql.js';
import { checkAliases, readAliased, type AliasSpec } from './lib/fields/aliases.js';
import { defineModule, type Change, type Plan } from './types.js';

const localeField = z
  .string()
  .min(1)
  .regex(/^[^\0'\n]+$/, 'must be a locale name such as C.UTF-8 or en_US.UTF-8');

const NAME: AliasSpec = { field: 'name', aliases: ['db'], what: 'the database to manage' };

const schema = z
  .object({
    name: pgNameField('database')
      .optional()
      .describe('Name of the database (required; alias: db). Any text: quoted for SQL.'),
    db: pgNameField('database').optional().describe('Alias of name.'),
    owner: pgNameField('role')
      .optional()
      .describe(
        'Role that owns the database (created with postgres_user first). Omitted: the creating user at creation, then left as it is.',
      ),
    encoding: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be an encoding name such as UTF8')
      .optional()
      .describe(
        'Character encoding, e.g. UTF8. Set at creation only: a different encoding on an existing database fails the task (PostgreSQL cannot convert it).',
      ),
    lc_collate: localeField
      .optional()
      .describe('Collation order (LC_COLLATE) at creation, e.g. en_US.UTF-8. Checked like encoding.'),
    lc_ctype: localeField
      .optional()
      .describe('Character classification (LC_CTYPE) at creation. Checked like encoding.'),
    template: pgNameField('template database')
      .optional()
      .describe(
        "Template to copy at creation (template1 when omitted). Use template0 for an encoding or locale other than template1's.",
      ),
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
      .describe('Maximum concurrent connections to the database; -1 is no limit.'),
    settings: settingsField.describe(
      'Per-database parameter defaults (ALTER DATABASE ... SET), e.g. timezone: UTC. Parameters not listed are left as they are. A list sets a list parameter (search_path: [$user, public]).',
    ),
    state: z
      .enum(['present', 'absent'], { error: 'must be present or absent' })
      .default('present')
      .describe(
        'present: the database exists as described. absent: it is dropped (PostgreSQL refuses while sessions are connected to it).',
      ),
    ...pgConnectionFields,
  })
  .superRefine((args, ctx) => {
    checkAliases(args, NAME, ctx);
  })
  .transform((args) => ({ ...args, name: readAliased<string>(args, NAME)! }));

type Args = z.infer<typeof schema>;

export interface DatabaseState {
  probe: PgProbe;
  database?: {
    owner: string;
    encoding: string;
    collate: string;
    ctype: string;
    connLimit: number;
    settings: Map<string, { name: string; value: string }>;
  };
}

function buildDatabaseQuery(name: string): string {
  const db = hexText(name);
  return [
    `SELECT concat_ws('|', 'db', ${hexOf('pg_get_userbyid(datdba)::text')}, pg_encoding_to_char(encoding), ${hexOf('datcollate::text')}, ${hexOf('datctype::text')}, datconnlimit) FROM pg_database WHERE datname = ${db}`,
    'UNION ALL',
    `SELECT 'setting|' || ${hexOf('c')} FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) c WHERE s.setrole = 0 AND d.datname = ${db}`,
  ].join(' ');
}

export function parseDatabaseState(stdout: string): DatabaseState {
  const probe = parsePsqlProbe(stdout);
  const row = probe.rows.find((r) => r.startsWith('db|'));
  if (!row) return { probe };
  const [, owner, encoding, collate, ctype, connLimit] = row.split('|');
  const entries = probe.rows.filter((r) => r.startsWith('setting|')).map((r) => decodeHex(r.slice(8)));
  return {
    probe,
    database: {
      owner: decodeHex(owner),
      encoding,
      collate: decodeHex(collate),
      ctype: decodeHex(ctype),
      connLimit: Number(connLimit),
      settings: parseSettingEntries(entries),
    },
  };
}

/** PostgreSQL's own rule for encoding names: case and punctuation do not count (utf-8 = UTF8). */
function cleanEncoding(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** glibc's rule for codesets: en_US.UTF-8 = en_US.utf8. */
function cleanLocale(name: string): string {
  const [base, codeset] = name.split('.', 2);
  return codeset === undefined ? base : `${base}.${codeset.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

function settingStatement(database: string, name: string, value: SettingValue): string {
  const literal = Array.isArray(value) ? value.map(quoteLiteral).join(', ') : quoteLiteral(value);
  return `ALTER DATABASE ${quoteIdent(database)} SET ${name} TO ${literal};`;
}

export const module = defineModule<Args, DatabaseState>({
  name: 'postgres_db',
  summary: 'A PostgreSQL database with its owner, encoding, locale and per-database settings.',
  description: [
    'Creates or drops a database and keeps its owner, connection limit and per-database settings (ALTER DATABASE ... SET',
    "timezone TO 'UTC', as the guides do by hand) as described. The probe reads pg_database and pg_db_role_setting through",
    'psql as login_user, so only what differs is changed, each difference a change of its own with from/to (e.g. "set',
    'timezone of database shop: (unset) → UTC"). Encoding and locale cannot change after creation: a mismatch fails the task',
    'with what was found. SQL goes to psql on stdin; names are quoted as SQL identifiers and values as literals.',
  ].join(' '),
  schema: schema,
  examples: [
    {
      title: "The application's database, owned by its role, with the guide's settings",
      yaml: `- postgres_db:\n    name: shop\n    owner: shop\n    encoding: UTF8\n    settings:\n      timezone: UTC\n      default_transaction_isolation: read committed\n      client_encoding: UTF8`,
    },
    {
      title: 'A database with another locale, copied from template0',
      yaml: `- postgres_db:\n    name: shop_de\n    template: template0\n    encoding: UTF8\n    lc_collate: de_DE.UTF-8\n    lc_ctype: de_DE.UTF-8`,
    },
    { title: 'Drop a database', yaml: `- postgres_db:\n    name: shop_staging\n    state: absent` },
  ],
  probe(args) {
    return buildPsqlProbe(args, buildDatabaseQuery(args.name));
  },
  parse(output) {
    return parseDatabaseState(output.stdout);
  },
  plan(args, current, ctx) {
    // The database cannot be read: its state is unknown, never "absent".
    if (current.probe.status !== 'ok') return { changes: [], unmet: pgUnavailable(current.probe) };
    if (args.state === 'absent') {
      if (!current.database) return { changes: [] };
      return {
        changes: [
          {
            ...psqlChange(args, [`DROP DATABASE ${quoteIdent(args.name)};`]),
            summary: `drop database ${args.name}`,
            from: 'present',
            to: 'absent',
          },
        ],
      };
    }
    if (!current.database) return planCreate(args, '');
    const mismatch = findFixedMismatch(args, current.database);
    if (mismatch) return { changes: [], failed: mismatch };
    return { changes: planAlter(args, current.database) };
  },
});

function planCreate(args: Args, note: string): Plan {
  const name = quoteIdent(args.name);
  // [given value, SQL option, words in the summary]
  const parts: Array<[unknown, string, string]> = [
    [args.owner, `OWNER ${quoteIdent(args.owner ?? '')}`, `owner ${args.owner}`],
    [args.template, `TEMPLATE ${quoteIdent(args.template ?? '')}`, `template ${args.template}`],
    [args.encoding, `ENCODING ${quoteLiteral(args.encoding ?? '')}`, `${args.encoding}`],
    [args.lc_collate, `LC_COLLATE ${quoteLiteral(args.lc_collate ?? '')}`, `collate ${args.lc_collate}`],
    [args.lc_ctype, `LC_CTYPE ${quoteLiteral(args.lc_ctype ?? '')}`, `ctype ${args.lc_ctype}`],
    [args.conn_limit, `CONNECTION LIMIT ${args.conn_limit}`, `connection limit ${args.conn_limit}`],
  ];
  const given = parts.filter(([value]) => value !== undefined);
  const options = given.map(([, sql]) => sql);
  const described = given.map(([, , words]) => words);
  const settings = Object.entries(args.settings);
  // CREATE DATABASE cannot run inside a transaction block; psql sends each statement on its own.
  const statements = [
    `CREATE DATABASE ${name}${options.length ? ` WITH ${options.join(' ')}` : ''};`,
    ...settings.map(([key, value]) => settingStatement(args.name, key, value)),
  ];
  const settingText = settings.length
    ? `, settings ${settings.map(([key, value]) => `${key}=${storedSettingText(value)}`).join(', ')}`
    : '';
  return {
    changes: [
      {
        ...psqlChange(args, statements),
        summary: `create database ${args.name}${described.length ? ` (${described.join(', ')})` : ''}${settingText}${note}`,
        from: 'absent',
        to: 'present',
      },
    ],
  };
}

function findFixedMismatch(args: Args, db: NonNullable<DatabaseState['database']>): string | undefined {
  const fixed: Array<[string, string | undefined, string, (v: string) => string]> = [
    ['encoding', args.encoding, db.encoding, cleanEncoding],
    ['lc_collate', args.lc_collate, db.collate, cleanLocale],
    ['lc_ctype', args.lc_ctype, db.ctype, cleanLocale],
  ];
  for (const [field, wanted, found, clean] of fixed) {
    if (wanted !== undefined && clean(wanted) !== clean(found)) {
      return `database ${args.name} exists with ${field} ${found}, not ${wanted}; PostgreSQL cannot change it in place: dump, drop and recreate the database, or set ${field}: ${found}`;
    }
  }
  return undefined;
}

function planAlter(args: Args, db: NonNullable<DatabaseState['database']>): Change[] {
  const changes: Change[] = [];
  const name = quoteIdent(args.name);
  if (args.owner !== undefined && args.owner !== db.owner) {
    changes.push({
      ...psqlChange(args, [`ALTER DATABASE ${name} OWNER TO ${quoteIdent(args.owner)};`]),
      summary: `set owner of database ${args.name}: ${db.owner} → ${args.owner}`,
      from: db.owner,
      to: args.owner,
    });
  }
  if (args.conn_limit !== undefined && args.conn_limit !== db.connLimit) {
    changes.push({
      ...psqlChange(args, [`ALTER DATABASE ${name} WITH CONNECTION LIMIT ${args.conn_limit};`]),
      summary: `set connection limit of database ${args.name}: ${db.connLimit} → ${args.conn_limit}`,
      from: String(db.connLimit),
      to: String(args.conn_limit),
    });
  }
  for (const [key, value] of Object.entries(args.settings)) {
    const found = db.settings.get(settingKey(key))?.value;
    const wanted = storedSettingText(value);
    if (found === wanted) continue;
    changes.push({
      ...psqlChange(args, [settingStatement(args.name, key, value)]),
      summary: `set ${key} of database ${args.name}: ${found ?? '(unset)'} → ${wanted}`,
      from: found ?? '(unset)',
      to: wanted,
    });
  }
  return changes;
}
