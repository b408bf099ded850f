import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as postgresDb, type DatabaseState } from '../../src/modules/postgres_db.js';
import type { CommandChange } from '../../src/modules/types.js';

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

/** Rows as the probe prints them: names and settings in hex, since they may hold any text. */
function state(rows: string[] = []): DatabaseState {
  return postgresDb.parse!(
    { stdout: ['status=ok', ...rows, 'salt=AAAAAAAAAAAAAAAAAAAAAA==', ''].join('\n'), code: 0 },
    parseArgs(postgresDb, { name: 'x' }),
  );
}

function plan(raw: unknown, current: DatabaseState, check = false) {
  return postgresDb.plan(parseArgs(postgresDb, raw), current, { host: 'db1' });
}

const SHOP = state([
  `db|${hex('shop')}|UTF8|${hex('C.UTF-8')}|${hex('C.UTF-8')}|-1`,
  `setting|${hex('TimeZone=UTC')}`,
  `setting|${hex('default_transaction_isolation=read committed')}`,
  `setting|${hex('search_path="$user", public, "App Schema"')}`,
]);
const GUIDE = { timezone: 'UTC', default_transaction_isolation: 'read committed', client_encoding: 'UTF8' };

describe('postgres_db: plans', () => {
  it('creates the database with owner, encoding, locale, template and settings in one psql script', () => {
    const { changes } = plan(
      {
        name: 'shop',
        owner: 'shop',
        encoding: 'UTF8',
        lc_collate: 'C.UTF-8',
        lc_ctype: 'C.UTF-8',
        template: 'template0',
        settings: GUIDE,
      },
      state(),
    );
    expect(changes).toHaveLength(1);
    const change = changes[0] as CommandChange;
    expect(change.summary).toBe(
      'create database shop (owner shop, template template0, UTF8, collate C.UTF-8, ctype C.UTF-8), settings timezone=UTC, default_transaction_isolation=read committed, client_encoding=UTF8',
    );
    expect(change.stdin!.split('\n')).toEqual([
      'SET standard_conforming_strings = on;',
      `CREATE DATABASE "shop" WITH OWNER "shop" TEMPLATE "template0" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';`,
      `ALTER DATABASE "shop" SET timezone TO 'UTC';`,
      `ALTER DATABASE "shop" SET default_transaction_isolation TO 'read committed';`,
      `ALTER DATABASE "shop" SET client_encoding TO 'UTF8';`,
      '',
    ]);
    expect(change.user).toBe('postgres');
  });

  it('sets only the settings that differ, names compared without case, each with from/to', () => {
    const { changes } = plan({ name: 'shop', owner: 'shop', settings: GUIDE }, SHOP);
    expect(changes.map((c) => [c.summary, c.from, c.to, (c as CommandChange).stdin!.split('\n')[1]])).toEqual([
      [
        'set client_encoding of database shop: (unset) → UTF8',
        '(unset)',
        'UTF8',
        `ALTER DATABASE "shop" SET client_encoding TO 'UTF8';`,
      ],
    ]);
  });

  it('compares a list parameter with the form PostgreSQL stores it in', () => {
    expect(plan({ name: 'shop', settings: { search_path: ['$user', 'public', 'App Schema'] } }, SHOP).changes).toEqual(
      [],
    );
    const change = plan({ name: 'shop', settings: { search_path: ['app', 'public'] } }, SHOP)
      .changes[0] as CommandChange;
    expect([change.from, change.to]).toEqual(['"$user", public, "App Schema"', 'app, public']);
    expect(change.stdin).toContain(`ALTER DATABASE "shop" SET search_path TO 'app', 'public';`);
  });

  it('writes numbers and booleans as PostgreSQL reads them, and literals with quotes doubled', () => {
    const { changes } = plan(
      { name: 'shop', settings: { statement_timeout: 5000, jit: false, application_name: "it's" } },
      SHOP,
    );
    expect(changes.map((c) => (c as CommandChange).stdin!.split('\n')[1])).toEqual([
      `ALTER DATABASE "shop" SET statement_timeout TO '5000';`,
      `ALTER DATABASE "shop" SET jit TO 'off';`,
      `ALTER DATABASE "shop" SET application_name TO 'it''s';`,
    ]);
  });

  it('changes the owner and connection limit with from/to', () => {
    const { changes } = plan({ name: 'shop', owner: 'we"ird $name', conn_limit: 20 }, SHOP);
    expect(changes.map((c) => [c.summary, (c as CommandChange).stdin!.split('\n')[1]])).toEqual([
      ['set owner of database shop: shop → we"ird $name', 'ALTER DATABASE "shop" OWNER TO "we""ird $name";'],
      ['set connection limit of database shop: -1 → 20', 'ALTER DATABASE "shop" WITH CONNECTION LIMIT 20;'],
    ]);
  });

  it('accepts other spellings of the same encoding and locale, and fails on a real difference', () => {
    expect(plan({ name: 'shop', encoding: 'utf-8', lc_collate: 'C.utf8', lc_ctype: 'C.UTF-8' }, SHOP).changes).toEqual(
      [],
    );
    expect(plan({ name: 'shop', encoding: 'LATIN1' }, SHOP).failed).toBe(
      'database shop exists with encoding UTF8, not LATIN1; PostgreSQL cannot change it in place: dump, drop and recreate the database, or set encoding: UTF8',
    );
    expect(plan({ name: 'shop', lc_collate: 'de_DE.UTF-8' }, SHOP).failed).toMatch(
      /exists with lc_collate C.UTF-8, not de_DE.UTF-8/,
    );
  });

  it('drops an existing database with state absent, and does nothing when it is gone', () => {
    expect(
      plan({ name: 'shop', state: 'absent' }, SHOP).changes.map((c) => [
        c.summary,
        (c as CommandChange).stdin!.split('\n')[1],
      ]),
    ).toEqual([['drop database shop', 'DROP DATABASE "shop";']]);
    expect(plan({ name: 'shop', state: 'absent' }, state()).changes).toEqual([]);
  });

  it('cannot tell what the database is while the server is down: no changes, and the need is said', () => {
    const down = postgresDb.parse!(
      { stdout: 'status=down\nerror=could not connect\n', code: 0 },
      parseArgs(postgresDb, { name: 'x' }),
    );
    const planned = plan({ name: 'shop' }, down);
    expect(planned.changes).toEqual([]);
    expect(planned.unmet?.missing).toBe('cannot query PostgreSQL (could not connect)');
    expect(planned.unmet?.providedBy).toContainEqual({ service: 'postgresql' });
  });
});

describe('postgres_db: arguments', () => {
  it('rejects setting names that are not parameter names, and a second spelling of the name', () => {
    expect(() => parseArgs(postgresDb, { name: 'shop', settings: { 'timezone; DROP': 'UTC' } })).toThrow(
      /PostgreSQL parameter names/,
    );
    expect(() => parseArgs(postgresDb, { name: 'shop', db: 'other' })).toThrow(/name and db are the same parameter/);
    expect(() => parseArgs(postgresDb, { name: 'shop', lc_collate: "C'" })).toThrow(/locale name/);
  });
});
