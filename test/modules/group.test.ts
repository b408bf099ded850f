import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as group } from '../../src/modules/group.js';
import { parseGroupProbe } from '../../src/modules/accounts/passwd-probe.js';
import { apply, planWith } from './helpers.js';

describe('group probe parsing and plans', () => {
  it('parses the probe answer (the format getent group prints) and an absent group', () => {
    expect(parseGroupProbe('group=adm:x:4:syslog,www\n')).toEqual({ name: 'adm', gid: 4, members: ['syslog', 'www'] });
    expect(parseGroupProbe('')).toBeUndefined();
  });

  it('creates with gid and system flags, changes a differing gid, and leaves a matching group alone', () => {
    expect(planWith(group, { name: 'www', gid: '1500', system: true }, undefined).changes).toMatchObject([
      { command: 'groupadd -g 1500 -r -- www', from: 'absent', to: 'present' },
    ]);
    expect(planWith(group, { name: 'www', gid: 1500 }, { name: 'www', gid: 1001, members: [] }).changes).toMatchObject([
      { command: 'groupmod -g 1500 -- www', from: '1001', to: '1500' },
    ]);
    expect(planWith(group, { name: 'www', gid: 1500 }, { name: 'www', gid: 1500, members: [] }).changes).toEqual([]);
    expect(planWith(group, { name: 'www' }, { name: 'www', gid: 7, members: [] }).changes).toEqual([]);
  });

  it('deletes only an existing group', () => {
    expect(
      planWith(group, { name: 'www', state: 'absent' }, { name: 'www', gid: 1, members: [] }).changes,
    ).toMatchObject([{ command: 'groupdel -- www' }]);
    expect(planWith(group, { name: 'www', state: 'absent' }, undefined).changes).toEqual([]);
  });

  it('rejects bad names and gids with a clear message', () => {
    expect(() => parseArgs(group, { name: 'a;b' })).toThrow(/must be a group name/);
    expect(() => parseArgs(group, { name: 'a', gid: 'x' })).toThrow(/must be a group id/);
  });
});

describe('group on this machine', () => {
  const name = `drovertest${process.pid}grp`;
  const getent = () => spawnSync('getent', ['group', name], { encoding: 'utf8' }).stdout.trim();
  afterAll(() => {
    spawnSync('groupdel', [name], { stdio: 'ignore' });
  });

  it('creates, converges, reports a manual gid change in check mode only, repairs and deletes', async () => {
    const free = 42000 + (process.pid % 1000);
    const first = await apply(group, { name, gid: free });
    expect(first.plan.changes).toHaveLength(1);
    expect(getent()).toBe(`${name}:x:${free}:`);
    expect((await apply(group, { name, gid: free })).plan.changes).toEqual([]);

    execFileSync('groupmod', ['-g', String(free + 1), name]);
    const checked = await apply(group, { name, gid: free }, { check: true });
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: `set gid of group ${name} to ${free}`, from: String(free + 1), to: String(free) },
    ]);
    expect(getent()).toBe(`${name}:x:${free + 1}:`);

    await apply(group, { name, gid: free });
    expect(getent()).toBe(`${name}:x:${free}:`);
    expect((await apply(group, { name, state: 'absent' })).plan.changes).toHaveLength(1);
    expect(getent()).toBe('');
    expect((await apply(group, { name, state: 'absent' })).plan.changes).toEqual([]);
  });
});
