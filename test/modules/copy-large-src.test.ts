import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runModule } from '../helpers/run-module-task.js';
import { module as copy, STREAMED_SRC_BYTES } from '../../src/modules/copy.js';
import type { PrepareContext, PutChange } from '../../src/modules/types.js';
import type { PathState } from '../../src/modules/lib/probe/path-probe.js';
import { ABSENT, conn, fileState, fileWithContent, makePrepareContext, makeTempDir } from './helpers.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** A prepare context that takes src as a path on this machine. */
function prepareFrom(dir: string): PrepareContext {
  return { ...makePrepareContext(), resolveLocalFile: (_kind, path) => join(dir, path) };
}

async function copyOnce(dir: string, args: Record<string, unknown>, check = false) {
  // src is written beside the test's files: give it as an absolute path.
  const result = await runModule(conn, copy, { ...args, src: join(dir, String(args.src)) }, { check });
  if (result.failedChange)
    throw new Error(
      `${result.failedChange.summary}: exit ${result.failedChange.result.code}: ${result.failedChange.result.stderr}`,
    );
  return result;
}

describe('copy of a src too large to hold in memory', () => {
  it('writes the exact bytes, is then converged, and check mode shows one change after a hand edit', async () => {
    const dir = makeTempDir();
    const content = randomBytes(24 * 1024 * 1024 + 5);
    writeFileSync(join(dir, 'big.bin'), content);
    mkdirSync(join(dir, 'out'));
    const dest = join(dir, 'out', 'big copy.bin');
    const args = { src: 'big.bin', dest, mode: '0640' };

    const first = await copyOnce(dir, args);
    expect(first.executed).toHaveLength(1);
    const [put] = first.plan.changes;
    // The change names the file and its hash; its bytes are never part of it, nor of a command the host was sent.
    expect(put).toMatchObject({
      summary: `create ${dest}`,
      from: 'absent',
      to: `sha256:${sha256(content).slice(0, 12)}`,
    });
    expect(put.diff).toBeUndefined();
    expect(first.executed.map((change) => change.kind)).toEqual(['put']);
    expect(Math.max(...first.sent.map(({ command }) => command.length))).toBeLessThan(100_000);
    expect(sha256(readFileSync(dest))).toBe(sha256(content));
    expect(statSync(dest).mode & 0o7777).toBe(0o640);

    const second = await copyOnce(dir, args);
    expect(second.plan.changes).toEqual([]);
    expect(second.executed).toEqual([]);

    const edited = Buffer.from(content);
    edited[12345] ^= 0xff;
    writeFileSync(dest, edited);
    chmodSync(dest, 0o640);
    const check = await copyOnce(dir, args, true);
    expect(check.plan.changes).toHaveLength(1);
    expect(check.plan.changes[0]).toMatchObject({
      summary: `update content of ${dest} (previous content not shown: larger than 256 KiB)`,
      from: `sha256:${sha256(edited).slice(0, 12)}`,
      to: `sha256:${sha256(content).slice(0, 12)}`,
    });
    expect(check.executed).toEqual([]);
    expect(sha256(readFileSync(dest))).toBe(sha256(edited));

    await copyOnce(dir, args);
    expect(sha256(readFileSync(dest))).toBe(sha256(content));
  });

  it('sees a src rewritten between runs, and hashes each version once for many hosts', async () => {
    const dir = makeTempDir();
    const src = join(dir, 'big.bin');
    const dest = join(dir, 'dest.bin');
    writeFileSync(src, randomBytes(STREAMED_SRC_BYTES + 1));
    const prepares = await Promise.all(
      Array.from({ length: 5 }, () => copy.prepare!({ src: 'big.bin', dest } as never, prepareFrom(dir))),
    );
    expect(new Set(prepares.map((args) => (args as { source: object }).source)).size).toBe(1);
    await copyOnce(dir, { src: 'big.bin', dest });
    const newer = randomBytes(STREAMED_SRC_BYTES + 1);
    writeFileSync(src, newer);
    const again = await copyOnce(dir, { src: 'big.bin', dest });
    expect(again.executed).toHaveLength(1);
    expect(sha256(readFileSync(dest))).toBe(sha256(newer));
  });

  it('shows a large text src as it shows a binary one: no diff, the same summaries', async () => {
    const dir = makeTempDir();
    const text = 'a line of text\n'.repeat(Math.ceil((STREAMED_SRC_BYTES + 1) / 15));
    writeFileSync(join(dir, 'big.txt'), text);
    const plan = (raw: unknown, state: PathState) => planWithDir(dir, raw, state);
    const created = (await plan({ src: 'big.txt', dest: '/etc/big.txt' }, ABSENT)).changes;
    expect(created).toEqual([
      expect.objectContaining({
        kind: 'put',
        summary: 'create /etc/big.txt',
        from: 'absent',
        to: `sha256:${sha256(text).slice(0, 12)}`,
      }),
    ]);
    expect(created[0].diff).toBeUndefined();
    const updated = (await plan({ src: 'big.txt', dest: '/etc/big.txt' }, fileWithContent('old\n'))).changes;
    expect(updated).toEqual([
      expect.objectContaining({
        summary: 'update content of /etc/big.txt',
        from: `sha256:${sha256('old\n').slice(0, 12)}`,
      }),
    ]);
    expect(updated[0].diff).toBeUndefined();
    const converged = await plan(
      { src: 'big.txt', dest: '/etc/big.txt', mode: '0600' },
      fileState({ sha256: sha256(text), contentOmitted: true }),
    );
    expect(converged.changes.map((change) => change.summary)).toEqual(['set mode of /etc/big.txt to 0600']);
  });

  it('keeps a src at the limit in memory, with its text diff', async () => {
    const dir = makeTempDir();
    const text = 'x'.repeat(STREAMED_SRC_BYTES - 1) + '\n';
    writeFileSync(join(dir, 'edge.txt'), text);
    const [change] = (await planWithDir(dir, { src: 'edge.txt', dest: '/etc/edge.txt' }, ABSENT))
      .changes as PutChange[];
    expect(change.source).toBeUndefined();
    expect(change.content).toBe(text);
    expect(change.diff).toEqual({ path: '/etc/edge.txt', before: '', after: text });
  });
});

/** prepare (src looked up in dir), then plan from hand-written probed state. */
async function planWithDir(dir: string, raw: unknown, state: PathState) {
  const args = await copy.prepare!(copy.schema.parse(raw), prepareFrom(dir));
  return copy.plan(args, state, { host: 'h' });
}
