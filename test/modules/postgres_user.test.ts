import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { buildScramVerifier, verifyPostgresPassword } from '../../src/modules/postgres/password.js';
import { module as postgresUser, type RoleState } from '../../src/modules/postgres_user.js';
import type { CommandChange } from '../../src/modules/types.js';
import { conn } from './helpers.js';

// Verifiers PostgreSQL 15 stored for these passwords (CREATE ROLE ... PASSWORD on a Debian bookworm host).
const SCRAM_SECRET =
  'SCRAM-SHA-256$4096:UjUvt5SJGg3uDjVF4oOMHA==$Gi7Sl1zokSbrehna5rBO9DuqGTPB0qtRMCuEXlIE9aQ=:1ekhWbzpWgntZZ4mTyDBFfCR4zsmAiHnANDvbzOZcgA=';
const SCRAM_SPACES_DOLLAR =
  'SCRAM-SHA-256$4096:FPUoueUhf0ThDWYRxQJ48w==$GO933FHtNIDiRp8LvajXpn5NAaTHa8HyGaBgLpBUMgY=:0So/skzFU7704k+nyWtd2+of67S20vXIOVc/Yv6aZEI=';
const SCRAM_NFKC =
  'SCRAM-SHA-256$4096:PVinrnxEtsdnDL06LiTMLg==$FHHbgbwq+X0JiKNxcZasoYsq1Jr1ewDtyEcIvS6T8Kw=:Eku754phRzXuBL8wR5U2ABbwXpRwogbBLQTb4Vnt8uk=';
const MD5_SECRET_FIXTURE4 = 'md5141742f653e4f6cd753b6d6a0451a392';
const SALT = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

function probeOutput(row?: string, salt = SALT): string {
  return ['status=ok', ...(row ? [row] : []), `salt=${salt.toString('base64')}`, ''].join('\n');
}

/** login super createdb createrole replication inherit bypassrls | connlimit | verifier */
function state(row?: string): RoleState {
  return postgresUser.parse!({ stdout: probeOutput(row), code: 0 }, parseArgs(postgresUser, { name: 'x' }));
}

function plan(raw: unknown, current: RoleState, check = false) {
  return postgresUser.plan(parseArgs(postgresUser, raw), current, { host: 'db1' });
}

const SHOP = state(`role|t|f|t|f|f|t|f|-1|${SCRAM_SECRET}`);

describe('postgres_user: password verifiers', () => {
  it('recognizes the password behind verifiers PostgreSQL made, and nothing else', () => {
    expect(verifyPostgresPassword(SCRAM_SECRET, 'secret', 'any')).toBe(true);
    expect(verifyPostgresPassword(SCRAM_SECRET, 'Secret', 'any')).toBe(false);
    expect(verifyPostgresPassword(SCRAM_SPACES_DOLLAR, 'pa ss$wörd', 'any')).toBe(true);
    // PostgreSQL normalized this one (SASLprep: NFKC turns Ⅸ into IX and ﬁ into fi) before hashing.
    expect(verifyPostgresPassword(SCRAM_NFKC, 'Ⅸ ﬁ', 'any')).toBe(true);
    expect(verifyPostgresPassword(MD5_SECRET_FIXTURE4, 'secret', 'fixture4')).toBe(true);
    expect(verifyPostgresPassword(MD5_SECRET_FIXTURE4, 'secret', 'fixture5')).toBe(false);
    expect(verifyPostgresPassword(undefined, 'secret', 'any')).toBe(false);
    expect(verifyPostgresPassword('secret', 'secret', 'any')).toBe(false);
  });

  it('builds the verifier PostgreSQL would store for the same salt', () => {
    const salt = Buffer.from('UjUvt5SJGg3uDjVF4oOMHA==', 'base64');
    expect(buildScramVerifier('secret', salt)).toBe(SCRAM_SECRET);
  });
});

describe('postgres_user: plans', () => {
  it("creates a role with LOGIN, the attributes asked and a SCRAM verifier salted with the probe's bytes, never the password", () => {
    const { changes } = plan(
      { name: 'shop', password: 'secret', role_attr_flags: 'CREATEDB,NOSUPERUSER', conn_limit: 3 },
      state(),
    );
    expect(changes).toHaveLength(1);
    const change = changes[0] as CommandChange;
    expect(change).toMatchObject({
      summary: 'create role shop (LOGIN, NOSUPERUSER, CREATEDB, connection limit 3) with a password',
      from: 'absent',
      to: 'present',
      user: 'postgres',
      cwd: '/',
    });
    expect(change.command).toBe('psql -X -p 5432 -d postgres -q -v ON_ERROR_STOP=1 -f -');
    expect(change.stdin).toContain(
      `CREATE ROLE "shop" WITH LOGIN NOSUPERUSER CREATEDB CONNECTION LIMIT 3 PASSWORD '${buildScramVerifier('secret', SALT)}';`,
    );
    expect(JSON.stringify(change)).not.toContain('secret');
  });

  it('reports nothing when the stored verifier matches and the attributes asked hold', () => {
    expect(
      plan(
        { name: 'shop', password: 'secret', attributes: ['createdb', 'inherit', 'NOREPLICATION'], conn_limit: -1 },
        SHOP,
      ).changes,
    ).toEqual([]);
  });

  it('reports a different password as one masked change with the new verifier on stdin', () => {
    const { changes } = plan({ name: 'shop', password: 'other' }, SHOP);
    expect(changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: 'set password of role shop', from: '********', to: '********' },
    ]);
    expect((changes[0] as CommandChange).stdin).toContain(
      `ALTER ROLE "shop" WITH PASSWORD '${buildScramVerifier('other', SALT)}';`,
    );
  });

  it('sends a non-ASCII password for the server to normalize, with statement logging off', () => {
    const stdin = (plan({ name: 'shop', password: 'Ⅸ ﬁ' }, SHOP).changes[0] as CommandChange).stdin!;
    expect(stdin).toContain("SET log_statement = 'none';");
    expect(stdin.indexOf("SET log_statement = 'none';")).toBeLessThan(stdin.indexOf('ALTER ROLE'));
    expect(stdin).toContain(`ALTER ROLE "shop" WITH PASSWORD 'Ⅸ ﬁ';`);
  });

  it('removes a password with an empty string, and reports nothing once it is gone', () => {
    const { changes } = plan({ name: 'shop', password: '' }, SHOP);
    expect(changes.map((c) => [c.summary, c.from, c.to])).toEqual([
      ['remove password of role shop', '********', 'none'],
    ]);
    expect((changes[0] as CommandChange).stdin).toContain('ALTER ROLE "shop" WITH PASSWORD NULL;');
    expect(plan({ name: 'shop', password: '' }, state('role|t|f|t|f|f|t|f|-1|')).changes).toEqual([]);
  });

  it('changes only the attributes that differ, and the connection limit, each with from/to', () => {
    const { changes } = plan({ name: 'shop', attributes: 'NOCREATEDB, SUPERUSER, LOGIN', conn_limit: 10 }, SHOP);
    expect(changes.map((c) => [c.summary, c.from, c.to])).toEqual([
      [
        'set attributes of role shop: NOSUPERUSER, CREATEDB → SUPERUSER, NOCREATEDB',
        'NOSUPERUSER, CREATEDB',
        'SUPERUSER, NOCREATEDB',
      ],
      ['set connection limit of role shop: -1 → 10', '-1', '10'],
    ]);
    expect((changes[0] as CommandChange).stdin).toContain('ALTER ROLE "shop" WITH SUPERUSER NOCREATEDB;');
  });

  it('quotes a role name with quotes, spaces and $ as one SQL identifier', () => {
    const change = plan({ name: 'we"ird $name', state: 'present' }, state()).changes[0] as CommandChange;
    expect(change.stdin).toContain('CREATE ROLE "we""ird $name" WITH LOGIN;');
    expect(change.command).not.toContain('weird');
  });

  it('drops an existing role with state absent and does nothing when it is gone', () => {
    expect(
      plan({ name: 'shop', state: 'absent' }, SHOP).changes.map((c) => [
        (c as CommandChange).stdin?.split('\n')[1],
        c.from,
        c.to,
      ]),
    ).toEqual([['DROP ROLE "shop";', 'present', 'absent']]);
    expect(plan({ name: 'shop', state: 'absent' }, state()).changes).toEqual([]);
  });

  it('runs psql as login_user on the given port and socket', () => {
    const change = plan({ name: 'shop', login_user: 'pgadmin', port: '5433', login_unix_socket: '/run/my pg' }, state())
      .changes[0] as CommandChange;
    expect(change.user).toBe('pgadmin');
    expect(change.command).toBe("psql -X -p 5433 -h '/run/my pg' -d postgres -q -v ON_ERROR_STOP=1 -f -");
  });

  it('cannot tell what the role is when PostgreSQL cannot be asked: no changes, and the need is said', () => {
    const missing = postgresUser.parse!(
      { stdout: 'status=missing\n', code: 0 },
      parseArgs(postgresUser, { name: 'x' }),
    );
    expect(plan({ name: 'shop', password: 'secret' }, missing)).toEqual({
      changes: [],
      unmet: {
        missing: 'psql is not installed on this host',
        fix: 'install postgresql (apt: name: postgresql) before this task',
        providedBy: [{ package: 'postgresql' }, { package: 'postgresql-client' }],
      },
    });
    const down = postgresUser.parse!(
      { stdout: 'status=down\nerror=psql: error: connection to server on socket failed\nsalt=AAAA\n', code: 0 },
      parseArgs(postgresUser, { name: 'x' }),
    );
    expect(plan({ name: 'shop' }, down).unmet?.missing).toBe(
      'cannot query PostgreSQL (psql: error: connection to server on socket failed)',
    );
    expect(plan({ name: 'shop' }, down).unmet?.fix).toMatch(/^check that the cluster is running/);
  });
});

describe('postgres_user: arguments', () => {
  it('rejects unknown and contradictory attributes, and names PostgreSQL would truncate', () => {
    expect(() => parseArgs(postgresUser, { name: 'a', attributes: 'CREATEDB,SUPERUSR' })).toThrow(
      /unknown role attribute SUPERUSR/,
    );
    expect(() => parseArgs(postgresUser, { name: 'a', attributes: ['LOGIN', 'NOLOGIN'] })).toThrow(
      /LOGIN and NOLOGIN are both given/,
    );
    expect(() => parseArgs(postgresUser, { name: 'a'.repeat(64) })).toThrow(/at most 63 bytes/);
    expect(() => parseArgs(postgresUser, { name: 'a', password: 12345 })).toThrow(/quote numbers/);
  });

  it('takes the name from user, and requires one', () => {
    expect(parseArgs(postgresUser, { user: 'shop' }).name).toBe('shop');
    expect(() => parseArgs(postgresUser, { password: 'x' })).toThrow(
      /name is required: the role to manage \(or user\)/,
    );
  });

  it('lists the password as a secret', () => {
    expect(postgresUser.secretArgs).toEqual(['password']);
  });
});

describe('postgres_user: the probe in a real shell', () => {
  it('reports psql missing or the server down, and prints 16 random bytes, without failing', async () => {
    const args = parseArgs(postgresUser, { name: "x'y", port: 1 });
    const result = await conn.exec(postgresUser.probe!(args));
    expect(result.code).toBe(0);
    const probed = postgresUser.parse!({ stdout: result.stdout, code: result.code }, args);
    expect(['missing', 'down']).toContain(probed.probe.status);
    expect(probed.probe.salt).toHaveLength(16);
    expect(probed.role).toBeUndefined();
  });
});
