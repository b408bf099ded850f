import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProbeBatch, splitProbeBatch } from '../../src/engine/probe-batch.js';
import { parseArgs } from '../helpers/run-module-task.js';
import { module as copy } from '../../src/modules/copy.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import { ABSENT, apply, conn, FIXTURES, fileState, fileWithContent, makeTempDir, planWith } from './helpers.js';

const DAEMON_GID = Number(execFileSync('getent', ['group', 'daemon'], { encoding: 'utf8' }).split(':')[2]);

describe('copy: plan from probed state', () => {
  it('creates a missing file with a diff from empty', () => {
    const [change] = planWith(copy, { dest: '/etc/a', content: 'x=1\n', mode: '0640' }, ABSENT).changes;
    expect(change).toMatchObject({
      kind: 'put',
      path: '/etc/a',
      mode: '0640',
      summary: 'create /etc/a',
      from: 'absent',
      diff: { before: '', after: 'x=1\n' },
    });
  });

  it('changes nothing when content and attributes match', () => {
    expect(
      planWith(copy, { dest: '/etc/a', content: 'x=1\n', mode: '0644', owner: 'root' }, fileWithContent('x=1\n'))
        .changes,
    ).toEqual([]);
  });

  it('puts the new content with a before/after diff, keeping a missing trailing newline as given', () => {
    const [change] = planWith(copy, { dest: '/etc/a', content: 'x=2' }, fileWithContent('x=1\n')).changes;
    expect(change).toMatchObject({
      kind: 'put',
      summary: 'update content of /etc/a',
      content: 'x=2',
      diff: { before: 'x=1\n', after: 'x=2' },
    });
  });

  it('fixes attributes alone with chmod/chown when the content matches', () => {
    const changes = planWith(
      copy,
      { dest: '/etc/a', content: 'x', mode: '0600', group: 'daemon' },
      fileWithContent('x'),
    ).changes;
    expect(changes.map((c) => c.kind)).toEqual(['command', 'command']);
    expect(changes.map((c) => c.summary)).toEqual(['set group of /etc/a to daemon', 'set mode of /etc/a to 0600']);
  });

  it('leaves an existing file alone with force: no', () => {
    expect(planWith(copy, { dest: '/etc/a', content: 'new', force: 'no' }, fileWithContent('old')).changes).toEqual([]);
  });

  it('fails on a directory and on a missing parent directory (outside check mode)', () => {
    expect(
      planWith(copy, { dest: '/etc', content: 'x' }, fileState({ type: 'directory', followedType: 'directory' }))
        .failed,
    ).toMatch(/is a directory/);
    const missingParent = { ...ABSENT, parent: 'absent' as const };
    // The plan says what it needs; the engine decides (a run fails, check waits for a task that creates it).
    const needsParent = planWith(copy, { dest: '/nope/a', content: 'x' }, missingParent);
    expect(needsParent.unmet).toEqual({
      missing: 'directory /nope does not exist on the host',
      fix: 'create it first (file: path=/nope state=directory)',
      providedBy: [{ path: '/nope' }],
    });
    expect(needsParent.changes.map((c) => c.summary)).toEqual(['create /nope/a']);
  });

  it('requires exactly one of content or src, and %s in validate', () => {
    expect(() => parseArgs(copy, { dest: '/a' })).toThrow(/exactly one of content/);
    expect(() => parseArgs(copy, { dest: '/a', content: 'x', validate: 'true' })).toThrow(/%s/);
  });
});

describe('copy on this machine', () => {
  it('writes, converges, shows a manual edit in check mode without writing, and repairs it', async () => {
    const dir = makeTempDir();
    const dest = join(dir, "settings 'prod' $HOME.env");
    const content = `A="$(touch ${join(dir, 'pwned')})"\nB='it''s' \`id\`\nno newline at end`;
    const args = { dest, content, mode: '0640', owner: 'root', group: 'daemon' };
    const first = await apply(copy, args);
    expect(first.executed).toHaveLength(1);
    expect(readFileSync(dest, 'utf8')).toBe(content);
    expect(statSync(dest).mode & 0o7777).toBe(0o640);
    expect(statSync(dest).gid).toBe(DAEMON_GID);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect((await apply(copy, args)).plan.changes).toEqual([]);

    writeFileSync(dest, 'edited by hand\n');
    const check = await apply(copy, args, { check: true });
    expect(check.plan.changes).toHaveLength(1);
    expect(check.plan.changes[0].diff).toEqual({ path: dest, before: 'edited by hand\n', after: content });
    expect(readFileSync(dest, 'utf8')).toBe('edited by hand\n');
    await apply(copy, args);
    expect(readFileSync(dest, 'utf8')).toBe(content);
  });

  it('fixes a mode change alone, and keeps a backup when asked', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'f');
    await apply(copy, { dest, content: 'one\n', mode: '0644' });
    chmodSync(dest, 0o600);
    const check = await apply(copy, { dest, content: 'one\n', mode: '0644' }, { check: true });
    expect(check.plan.changes.map((c) => [c.summary, c.from, c.to])).toEqual([
      [`set mode of ${dest} to 0644`, '0600', '0644'],
    ]);
    await apply(copy, { dest, content: 'two\n', mode: '0644', backup: true });
    const backups = readdirSync(dir).filter((name) => name.startsWith('f.') && name.endsWith('~'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(dir, backups[0]), 'utf8')).toBe('one\n');
  });

  it('copies a text and a binary src from the controller, into a directory with a trailing /', async () => {
    const dir = makeTempDir();
    await apply(copy, { src: 'app.conf', dest: `${dir}/` });
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'files', 'app.conf'), 'utf8'));
    const bin = join(dir, 'blob.bin');
    await apply(copy, { src: 'blob.bin', dest: bin });
    expect(readFileSync(bin)).toEqual(readFileSync(join(FIXTURES, 'files', 'blob.bin')));
    const again = await apply(copy, { src: 'blob.bin', dest: bin });
    expect(again.plan.changes).toEqual([]);
  });

  it('runs validate on the new file and leaves the old one when it fails', async () => {
    const dest = join(makeTempDir(), 'f');
    await apply(copy, { dest, content: 'good\n' });
    const result = await apply(copy, { dest, content: 'bad\n', validate: 'grep -q good %s' }).catch(
      (error: Error) => error,
    );
    expect(result).toBeInstanceOf(Error);
    expect(readFileSync(dest, 'utf8')).toBe('good\n');
  });

  it('replaces a symlink by default and writes through it with follow', async () => {
    const dir = makeTempDir();
    const target = join(dir, 'real');
    writeFileSync(target, 'old\n');
    symlinkSync(target, join(dir, 'via-link'));
    await apply(copy, { dest: join(dir, 'via-link'), content: 'new\n', follow: true });
    expect(readFileSync(target, 'utf8')).toBe('new\n');
    mkdirSync(join(dir, 'sub'));
    symlinkSync(target, join(dir, 'sub', 'link'));
    await apply(copy, { dest: join(dir, 'sub', 'link'), content: 'own\n' });
    expect(statSync(join(dir, 'sub', 'link')).ino).not.toBe(statSync(target).ino);
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });
});

describe('copy probe', () => {
  it('reads a file whose name holds a newline, also inside a probe batch, and reports a missing one', async () => {
    const dir = makeTempDir();
    const dest = join(dir, 'line one\nline two');
    await apply(copy, { dest, content: 'x\n' });
    expect(readFileSync(dest, 'utf8')).toBe('x\n');
    const requests = [
      { key: 'there', script: copy.probe!(parseArgs(copy, { dest, content: 'x\n' })) },
      { key: 'missing', script: copy.probe!(parseArgs(copy, { dest: join(dir, 'nope'), content: '' })) },
    ];
    const { script, nonce } = buildProbeBatch(requests);
    const answers = splitProbeBatch(requests, nonce, (await conn.exec(script)).stdout);
    const there = copy.parse!(answers.get('there')!, undefined as never);
    expect(there).toMatchObject({ type: 'file', sha256: sha256Hex('x\n'), mode: '0644' });
    expect(there.content?.toString()).toBe('x\n');
    expect(copy.parse!(answers.get('missing')!, undefined as never)).toMatchObject({
      type: 'absent',
      parent: 'directory',
    });
  });
});
