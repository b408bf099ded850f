import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { applyChanges, groupChanges } from '../../src/engine/apply-change.js';
import type { Change } from '../../src/modules/types.js';
import { quote } from '../../src/remote/quote.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-apply-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const command = (line: string, extra: Partial<Change> = {}): Change =>
  ({ kind: 'command', command: line, summary: line, ...extra }) as Change;
const put = (path: string, content: string): Change => ({ kind: 'put', path, content, summary: `put ${path}` });

describe('groupChanges', () => {
  it('keeps changes of one user together, with at most one of them reading stdin', () => {
    const groups = groupChanges([
      command('mkdir a'),
      put('/a/x', 'x'),
      command('chmod 0600 /a/x'),
      put('/a/y', 'y'),
      command('psql -c 1', { user: 'postgres' }),
      command('psql -c 2', { user: 'postgres' }),
      command('touch /done'),
    ]);
    expect(groups.map((g) => g.map((c) => c.summary))).toEqual([
      ['mkdir a', 'put /a/x', 'chmod 0600 /a/x'],
      ['put /a/y'],
      ['psql -c 1', 'psql -c 2'],
      ['touch /done'],
    ]);
  });
});

describe('applyChanges over the local connection', () => {
  it('runs several changes in one exec and gives each its own output and status', async () => {
    const conn = new LocalConnection('local');
    const file = join(dir, 'put.txt');
    const { results } = await applyChanges(
      conn,
      [
        command(`printf 'first'; printf 'warn' >&2`),
        put(file, 'line one\nline two'),
        command(`cat ${quote(file)}; echo`),
      ],
      [],
    );
    expect(conn.execCount).toBe(1);
    expect(results).toEqual([
      { stdout: 'first', stderr: 'warn', code: 0 },
      { stdout: '', stderr: '', code: 0 },
      { stdout: 'line one\nline two\n', stderr: '', code: 0 },
    ]);
    expect(readFileSync(file, 'utf8')).toBe('line one\nline two');
  });

  it('stops at the first change that fails: the ones after it do not run, and no probe runs', async () => {
    const conn = new LocalConnection('local');
    const marker = join(dir, 'after-failure');
    const { results, answers } = await applyChanges(
      conn,
      [command('echo ok'), command(`echo 'no such thing' >&2; exit 3`), command(`touch ${quote(marker)}`)],
      [{ key: 'p', script: 'echo probed' }],
    );
    expect(results).toEqual([
      { stdout: 'ok\n', stderr: '', code: 0 },
      { stdout: '', stderr: 'no such thing\n', code: 3 },
    ]);
    expect(answers.size).toBe(0);
    expect(() => readFileSync(marker)).toThrow();
  });

  it('answers the probes sent after the changes, seeing what the changes did', async () => {
    const conn = new LocalConnection('local');
    const file = join(dir, 'probed.txt');
    const { answers } = await applyChanges(
      conn,
      [put(file, 'new'), command(`chmod 0600 ${quote(file)}`)],
      [{ key: 'mode', script: `stat -c %a ${quote(file)}` }],
    );
    expect(conn.execCount).toBe(1);
    expect(answers.get('mode')).toEqual({ stdout: '600\n', code: 0 });
  });
});
