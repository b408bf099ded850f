/** postgres_user and postgres_db against PostgreSQL 15 on a lab host (one install for both modules). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { runModule } from '../helpers/run-module-task.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as postgresDb } from '../../src/modules/postgres_db.js';
import { module as postgresUser } from '../../src/modules/postgres_user.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { quote } from '../../src/remote/quote.js';
import { ensureTestLab, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { applyOn, connectToLabHost } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

const HOST = 'mod-pg';
let lab: LabStatus;
let conn: Connection;

const run = (module: ModuleDefinition, args: Record<string, unknown>, check = false) =>
  applyOn(conn, module, args, { check });

/** SQL as the postgres superuser, the script on stdin. */
function superSql(sql: string): Promise<string> {
  return runOnLabHostOk(lab, HOST, 'cd / && runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1', { input: sql });
}

/** Logs in over TCP to 127.0.0.1 with a password (scram-sha-256 in Debian's pg_hba.conf) and runs one query. */
function loginAndQuery(role: string, password: string, query: string, db = 'postgres') {
  return runOnLabHost(
    lab,
    HOST,
    `cd / && PGPASSWORD="$(cat)" psql -X -At -h 127.0.0.1 -U ${quote(role)} -d ${quote(db)} -c ${quote(query)}`,
    { input: password },
  );
}

async function storedVerifier(role: string): Promise<string> {
  return superSql(`SELECT rolpassword FROM pg_authid WHERE rolname = '${role.replace(/'/g, "''")}';`);
}

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  await runOnLabHostOk(
    lab,
    HOST,
    'command -v psql >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >/dev/null 2>&1',
    { timeoutMs: 300_000 },
  );
  await runOnLabHostOk(
    lab,
    HOST,
    'systemctl start postgresql && until runuser -u postgres -- psql -X -q -c "select 1" >/dev/null 2>&1; do sleep 0.3; done',
    { timeoutMs: 60_000 },
  );
  await superSql(
    `DROP DATABASE IF EXISTS "shop db"; DROP ROLE IF EXISTS shop; DROP ROLE IF EXISTS "we""ird $name"; DROP ROLE IF EXISTS legacy; DROP ROLE IF EXISTS "unicode";`,
  );
  conn = await connectToLabHost(lab, HOST);
}, 400_000);

afterAll(async () => {
  await conn?.close();
  await labDown([HOST]);
});

const PASSWORD = 's3cret pass';
const ODD_PASSWORD = `pa'ss "$HOME" $(touch /tmp/pwned) \\`;

describe('postgres_user on a lab host', () => {
  const args = { name: 'shop', password: PASSWORD, attributes: 'CREATEDB,NOSUPERUSER', conn_limit: 5 };

  it('creates a role that logs in with its password, and converges', async () => {
    await recordFixture(conn, postgresUser, args, 'role-absent', {
      description:
        'PostgreSQL answers, no role shop: one CREATE ROLE with the attributes, the limit and a SCRAM verifier',
    });
    const first = await run(postgresUser, args);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      'create role shop (LOGIN, NOSUPERUSER, CREATEDB, connection limit 5) with a password',
    ]);
    // Neither the command line nor the script holds the password: an ASCII password travels as a SCRAM verifier.
    for (const { command, stdin } of first.sent) {
      expect(command).not.toContain(PASSWORD);
      expect(stdin ?? '').not.toContain(PASSWORD);
    }
    expect(await storedVerifier('shop')).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(
      await loginAndQuery(
        'shop',
        PASSWORD,
        'SELECT current_user, rolcreatedb, rolsuper, rolconnlimit FROM pg_roles WHERE rolname = current_user',
      ),
    ).toMatchObject({ code: 0, stdout: 'shop|t|f|5\n' });
    const wrong = await loginAndQuery('shop', 'not the password', 'SELECT 1');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed/);

    expect((await run(postgresUser, args)).plan.changes).toEqual([]);
    await recordFixture(conn, postgresUser, args, 'converged', {
      description: 'the role has the attributes, the limit and a SCRAM verifier of the password: nothing to do',
    });
  });

  it('reports a password changed by hand in check mode, masked, without touching the role, then sets it back', async () => {
    await superSql(`ALTER ROLE shop PASSWORD 'changed by hand';`);
    const before = await storedVerifier('shop');
    await recordFixture(conn, postgresUser, args, 'password-changed-by-hand', {
      description: 'the password changed by hand (another SCRAM verifier): ALTER ROLE, both sides masked',
    });
    const checked = await run(postgresUser, args, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: 'set password of role shop', from: '********', to: '********' },
    ]);
    expect(await storedVerifier('shop')).toBe(before);
    expect((await loginAndQuery('shop', 'changed by hand', 'SELECT 1')).code).toBe(0);

    await run(postgresUser, args);
    expect((await loginAndQuery('shop', PASSWORD, 'SELECT 1')).code).toBe(0);
    expect((await loginAndQuery('shop', 'changed by hand', 'SELECT 1')).code).not.toBe(0);
    expect((await run(postgresUser, args)).plan.changes).toEqual([]);
  });

  it('reports attribute and connection limit drift with from/to', async () => {
    await superSql('ALTER ROLE shop WITH NOCREATEDB CREATEROLE CONNECTION LIMIT 9;');
    await recordFixture(
      conn,
      postgresUser,
      { ...args, role_attr_flags: ['createdb', 'nocreaterole'], attributes: undefined },
      'attributes-drift',
      {
        description: 'attributes and connection limit changed by hand: one ALTER for each, with from/to',
      },
    );
    const checked = await run(
      postgresUser,
      { ...args, role_attr_flags: ['createdb', 'nocreaterole'], attributes: undefined },
      true,
    );
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      {
        summary: 'set attributes of role shop: NOCREATEDB, CREATEROLE → CREATEDB, NOCREATEROLE',
        from: 'NOCREATEDB, CREATEROLE',
        to: 'CREATEDB, NOCREATEROLE',
      },
      { summary: 'set connection limit of role shop: 9 → 5', from: '9', to: '5' },
    ]);
    await run(postgresUser, { ...args, attributes: 'CREATEDB,NOCREATEROLE' });
    expect(
      await superSql("SELECT rolcreatedb, rolcreaterole, rolconnlimit FROM pg_roles WHERE rolname = 'shop';"),
    ).toBe('t|f|5\n');
  });

  it('handles a role name and password with quotes, spaces and $ without injection', async () => {
    const name = 'we"ird $name';
    const password = ODD_PASSWORD;
    const weird = { name, password };
    expect((await run(postgresUser, weird)).plan.changes.map((c) => c.summary)).toEqual([
      'create role we"ird $name (LOGIN) with a password',
    ]);
    expect(await loginAndQuery(name, password, 'SELECT current_user')).toMatchObject({
      code: 0,
      stdout: 'we"ird $name\n',
    });
    expect((await run(postgresUser, weird)).plan.changes).toEqual([]);
    expect((await runOnLabHost(lab, HOST, 'test -e /tmp/pwned')).code).toBe(1);
  });

  it('sets a non-ASCII password the server normalizes, and recognizes it afterwards', async () => {
    const password = 'pässwörd Ⅸ ﬁ';
    await run(postgresUser, { name: 'unicode', password });
    expect((await loginAndQuery('unicode', password, 'SELECT 1')).code).toBe(0);
    expect((await run(postgresUser, { name: 'unicode', password })).plan.changes).toEqual([]);
  });

  it('accepts a matching md5 verifier as unchanged', async () => {
    await superSql("SET password_encryption = 'md5'; CREATE ROLE legacy LOGIN PASSWORD 'old secret';");
    expect(await storedVerifier('legacy')).toMatch(/^md5/);
    await recordFixture(conn, postgresUser, { name: 'legacy', password: 'old secret' }, 'md5-verifier-converged', {
      description: 'a role whose password is stored as an md5 verifier of the same password: nothing to do',
    });
    expect((await run(postgresUser, { name: 'legacy', password: 'old secret' })).plan.changes).toEqual([]);
    expect(
      (await run(postgresUser, { name: 'legacy', password: 'new secret' }, true)).plan.changes.map((c) => c.summary),
    ).toEqual(['set password of role legacy']);
  });
});

describe('postgres_db on a lab host', () => {
  const SETTINGS = { timezone: 'UTC', default_transaction_isolation: 'read committed', client_encoding: 'UTF8' };
  const args = { name: 'shop db', owner: 'shop', encoding: 'UTF8', settings: SETTINGS };

  it('creates the database with its owner and settings, seen by the role, and converges', async () => {
    await recordFixture(conn, postgresDb, args, 'database-absent', {
      description:
        'no database "shop db": CREATE DATABASE with its owner and encoding, then one ALTER DATABASE SET per setting',
    });
    const first = await run(postgresDb, args);
    expect(first.plan.changes.map((c) => c.summary)).toEqual([
      'create database shop db (owner shop, UTF8), settings timezone=UTC, default_transaction_isolation=read committed, client_encoding=UTF8',
    ]);
    const seen = await loginAndQuery(
      'shop',
      PASSWORD,
      "SELECT current_setting('TimeZone') || '|' || current_setting('default_transaction_isolation') || '|' || pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()",
      'shop db',
    );
    expect(seen).toMatchObject({ code: 0, stdout: 'UTC|read committed|shop\n' });
    expect((await loginAndQuery('shop', PASSWORD, 'SHOW timezone', 'shop db')).stdout).toBe('UTC\n');
    expect((await run(postgresDb, args)).plan.changes).toEqual([]);
    await recordFixture(conn, postgresDb, args, 'converged', {
      description:
        'the database has its owner, encoding and settings (TimeZone spelt as PostgreSQL stores it): nothing to do',
    });
  });

  it('reports a setting and owner changed by hand in check mode only, then repairs them', async () => {
    await superSql(
      `ALTER DATABASE "shop db" SET timezone TO 'Europe/Moscow'; ALTER DATABASE "shop db" OWNER TO postgres;`,
    );
    await recordFixture(conn, postgresDb, args, 'owner-and-setting-drift', {
      description: 'owner and timezone changed by hand: ALTER DATABASE for each, with from/to',
    });
    const checked = await run(postgresDb, args, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: 'set owner of database shop db: postgres → shop', from: 'postgres', to: 'shop' },
      { summary: 'set timezone of database shop db: Europe/Moscow → UTC', from: 'Europe/Moscow', to: 'UTC' },
    ]);
    expect((await loginAndQuery('shop', PASSWORD, 'SHOW timezone', 'shop db')).stdout).toBe('Europe/Moscow\n');

    await run(postgresDb, args);
    expect((await loginAndQuery('shop', PASSWORD, 'SHOW timezone', 'shop db')).stdout).toBe('UTC\n');
    expect((await run(postgresDb, args)).plan.changes).toEqual([]);
  });

  it('sets a list parameter and converges', async () => {
    const withPath = { ...args, settings: { ...SETTINGS, search_path: ['$user', 'public', 'App Schema'] } };
    await run(postgresDb, withPath);
    expect((await loginAndQuery('shop', PASSWORD, 'SHOW search_path', 'shop db')).stdout).toBe(
      '"$user", public, "App Schema"\n',
    );
    expect((await run(postgresDb, withPath)).plan.changes).toEqual([]);
  });

  it('refuses to "change" the encoding of an existing database', async () => {
    await recordFixture(conn, postgresDb, { ...args, encoding: 'LATIN1' }, 'encoding-mismatch', {
      description:
        'the database exists with encoding UTF8 and the task asks for LATIN1: the task fails, nothing is changed',
    });
    const result = await runModule(conn, postgresDb, { ...args, encoding: 'LATIN1' }, { check: false });
    expect(result.plan.failed).toMatch(/exists with encoding UTF8, not LATIN1/);
  });

  it('creates a database whose name and owner have quotes, spaces and $, without injection, then drops it', async () => {
    const owner = 'we"ird $name';
    const name = `it's "$db" $(touch /tmp/pwned)`;
    const odd = { name, owner, settings: { timezone: 'UTC', default_transaction_isolation: 'repeatable read' } };
    expect((await run(postgresDb, odd)).plan.changes.map((c) => c.summary)).toEqual([
      `create database ${name} (owner ${owner}), settings timezone=UTC, default_transaction_isolation=repeatable read`,
    ]);
    expect(
      await superSql(`SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}';`),
    ).toBe(`${owner}\n`);
    const seen = await loginAndQuery(
      owner,
      ODD_PASSWORD,
      "SELECT current_database() || '|' || current_setting('TimeZone') || '|' || current_setting('default_transaction_isolation')",
      name,
    );
    expect(seen).toMatchObject({ code: 0, stdout: `${name}|UTC|repeatable read\n` });
    expect((await run(postgresDb, odd)).plan.changes).toEqual([]);
    expect((await runOnLabHost(lab, HOST, 'test -e /tmp/pwned')).code).toBe(1);

    expect((await run(postgresDb, { name, state: 'absent' })).plan.changes.map((c) => c.summary)).toEqual([
      `drop database ${name}`,
    ]);
    expect(await superSql(`SELECT count(*) FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}';`)).toBe(
      '0\n',
    );
    expect((await run(postgresDb, { name, state: 'absent' })).plan.changes).toEqual([]);
  });

  it('drops the database and the roles with state absent', async () => {
    expect((await run(postgresDb, { name: 'shop db', state: 'absent' })).plan.changes.map((c) => c.summary)).toEqual([
      'drop database shop db',
    ]);
    expect((await run(postgresDb, { name: 'shop db', state: 'absent' })).plan.changes).toEqual([]);
    for (const name of ['shop', 'we"ird $name', 'legacy', 'unicode']) {
      expect((await run(postgresUser, { name, state: 'absent' })).plan.changes.map((c) => c.summary)).toEqual([
        `drop role ${name}`,
      ]);
    }
    expect(
      await superSql(`SELECT count(*) FROM pg_roles WHERE rolname IN ('shop', 'we"ird $name', 'legacy', 'unicode');`),
    ).toBe('0\n');
    expect((await run(postgresUser, { name: 'shop', state: 'absent' })).plan.changes).toEqual([]);
  });
});
