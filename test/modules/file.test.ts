import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readlinkSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as file } from '../../src/modules/file.js';
import { resolveMode } from '../../src/modules/lib/plan/file-mode.js';
import { ABSENT, apply, fileState, makeTempDir, planWith } from './helpers.js';

const DAEMON_GID = Number(execFileSync('getent', ['group', 'daemon'], { encoding: 'utf8' }).split(':')[2]);
const DIR = fileState({ type: 'directory', followedType: 'directory', mode: '0755' });

function modeOf(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
}

describe('file: plan from probed state', () => {
  it('creates a missing directory and sets the wanted attributes', () => {
    const plan = planWith(file, { path: '/srv/app', state: 'directory', owner: 'www-data', mode: '0750' }, ABSENT);
    expect(plan.changes.map((c) => c.summary)).toEqual([
      'create directory /srv/app',
      'set owner of /srv/app to www-data',
      'set mode of /srv/app to 0750',
    ]);
  });

  it('changes nothing when the directory is already right', () => {
    expect(
      planWith(file, { path: '/srv/app', state: 'directory', owner: 'root', group: '0', mode: 755 }, DIR).changes,
    ).toEqual([]);
  });

  it('reports attribute drift with from/to', () => {
    const [change] = planWith(file, { path: '/srv/app', state: 'directory', mode: '0700' }, DIR).changes;
    expect(change).toMatchObject({ summary: 'set mode of /srv/app to 0700', from: '0755', to: '0700' });
  });

  it('reads symbolic modes against the current mode', () => {
    expect(planWith(file, { path: '/x', mode: 'u+x,go-r' }, fileState({ mode: '0744' })).changes[0]).toMatchObject({
      to: '0700',
    });
    expect(planWith(file, { path: '/x', mode: 'u=rwx,go=rx' }, fileState({ mode: '0755' })).changes).toEqual([]);
    expect(resolveMode('a+X', '0644', true)).toBe('0755');
    expect(resolveMode('a+X', '0644', false)).toBe('0644');
    expect(resolveMode('g+s,o=', '0755', true)).toBe('2750');
  });

  it('accepts the mode spellings of playbooks and rejects others clearly', () => {
    expect(parseArgs(file, { path: '/x', mode: 644 }).mode).toBe('0644');
    expect(parseArgs(file, { path: '/x', mode: '02775' }).mode).toBe('2775');
    expect(() => parseArgs(file, { path: '/x', mode: 420.5 })).toThrow(/not an octal mode/);
    expect(() => parseArgs(file, { path: '/x', mode: 'rw-r--r--' })).toThrow(/neither an octal mode/);
    expect(() => parseArgs(file, { path: '/x', recurse: 'yes', mode: 'u+x', state: 'directory' })).toThrow(/octal/);
    expect(() => parseArgs(file, { state: 'link', path: '/x' })).toThrow(/needs src/);
    expect(parseArgs(file, { dest: '/x', force: 'yes' })).toMatchObject({ force: true, follow: true });
    expect(() => parseArgs(file, { dest: '/x', force: 'maybe' })).toThrow(/must be a boolean/);
    expect(planWith(file, { name: '/x', state: 'absent' }, fileState()).changes[0].summary).toBe('remove /x');
    expect(() => parseArgs(file, { path: '/x', dest: '/y' })).toThrow(
      /give path once: path and dest are the same parameter/,
    );
  });

  it('leaves a correct symlink alone and re-points a wrong one', () => {
    const link = {
      type: 'link' as const,
      followedType: 'file' as const,
      linkTarget: '/etc/a',
      owner: 'root',
      uid: '0',
      group: 'root',
      gid: '0',
    };
    expect(planWith(file, { src: '/etc/a', dest: '/x', state: 'link' }, link).changes).toEqual([]);
    const [change] = planWith(file, { src: '/etc/b', dest: '/x', state: 'link' }, link).changes;
    expect(change).toMatchObject({
      summary: 'point symlink /x to /etc/b (was /etc/a)',
      from: '-> /etc/a',
      to: '-> /etc/b',
    });
  });

  it('refuses to turn a file or directory into a symlink without force', () => {
    expect(planWith(file, { src: '/a', dest: '/x', state: 'link' }, fileState()).failed).toMatch(/force: true/);
    expect(planWith(file, { src: '/a', dest: '/x', state: 'link' }, DIR).failed).toMatch(/is a directory/);
  });

  it('fails state file on a missing path, removes what exists for absent', () => {
    expect(planWith(file, { path: '/x', state: 'file' }, ABSENT).failed).toMatch(/state: touch/);
    expect(planWith(file, { path: '/x', state: 'absent' }, ABSENT).changes).toEqual([]);
    expect(planWith(file, { path: '/x', state: 'absent' }, DIR).changes[0].summary).toBe(
      'remove directory /x and everything in it',
    );
  });

  it('touch changes times every run unless both are preserved', () => {
    expect(planWith(file, { path: '/x', state: 'touch' }, fileState()).changes.map((c) => c.summary)).toEqual([
      'update times of /x',
    ]);
    expect(
      planWith(
        file,
        { path: '/x', state: 'touch', access_time: 'preserve', modification_time: 'preserve' },
        fileState(),
      ).changes,
    ).toEqual([]);
  });
});

describe('file on this machine', () => {
  it('creates a directory tree with a mode, then reports nothing; drift shows in check mode', async () => {
    const base = makeTempDir();
    const path = join(base, 'a b', "c'd $e");
    const args = { path, state: 'directory', mode: '0750', owner: 'root', group: 'daemon' };
    const first = await apply(file, args);
    expect(first.executed.length).toBeGreaterThan(0);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(modeOf(path)).toBe('0750');
    expect(statSync(path).gid).toBe(DAEMON_GID);
    expect(statSync(path).uid).toBe(0);
    expect((await apply(file, args)).plan.changes).toEqual([]);
    chmodSync(path, 0o777);
    const check = await apply(file, args, { check: true });
    expect(check.plan.changes.map((c) => [c.summary, c.from, c.to])).toEqual([
      [`set mode of ${path} to 0750`, '0777', '0750'],
    ]);
    expect(modeOf(path)).toBe('0777');
  });

  it('sets group daemon (by name) and is then converged', async () => {
    const path = join(makeTempDir(), 'f');
    writeFileSync(path, '');
    await apply(file, { path, group: 'daemon', state: 'file' });
    expect(statSync(path).gid).toBe(DAEMON_GID);
    expect((await apply(file, { path, group: 'daemon', state: 'file' })).plan.changes).toEqual([]);
  });

  it('applies owner, group and mode recursively and converges', async () => {
    const root = join(makeTempDir(), 'tree');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'sub', 'x'), '');
    const args = { path: root, state: 'directory', recurse: true, group: 'daemon', mode: '0750' };
    await apply(file, args);
    expect(modeOf(join(root, 'sub', 'x'))).toBe('0750');
    expect(statSync(join(root, 'sub', 'x')).gid).toBe(DAEMON_GID);
    expect((await apply(file, args)).plan.changes).toEqual([]);
    chmodSync(join(root, 'sub', 'x'), 0o600);
    const check = await apply(file, args, { check: true });
    expect(check.plan.changes.map((c) => c.summary)).toEqual([`set mode of ${root} to 0750 (recursively)`]);
  });

  it('makes, keeps and re-points a symlink with awkward names', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'link "$(x)"');
    const target = join(dir, "target 'one'");
    writeFileSync(target, 'x');
    await apply(file, { src: target, dest, state: 'link' });
    expect(readlinkSync(dest)).toBe(target);
    expect((await apply(file, { src: target, dest, state: 'link' })).plan.changes).toEqual([]);
    await apply(file, { src: 'relative target', dest, state: 'link' });
    expect(readlinkSync(dest)).toBe('relative target');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('makes a hard link and converges', async () => {
    const dir = makeTempDir();
    const src = join(dir, 'src');
    writeFileSync(src, 'data');
    const dest = join(dir, 'hard $link');
    await apply(file, { src, dest, state: 'hard' });
    expect(statSync(dest).ino).toBe(statSync(src).ino);
    expect((await apply(file, { src, dest, state: 'hard' })).plan.changes).toEqual([]);
  });

  it('touches a new file, removes a directory, and converges on absent', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'new; touch pwned');
    await apply(file, { path, state: 'touch', mode: 'u=rw,go=' });
    expect(modeOf(path)).toBe('0600');
    expect(existsSync('pwned')).toBe(false);
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'deep'), { recursive: true });
    await apply(file, { path: tree, state: 'absent' });
    expect(existsSync(tree)).toBe(false);
    expect((await apply(file, { path: tree, state: 'absent' })).plan.changes).toEqual([]);
  });
});
