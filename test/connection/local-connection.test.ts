import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { BecomeError, CommandTimeoutError } from '../../src/connection/types.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-local-conn-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Alive and not a zombie (an orphan nobody has reaped yet is dead for our purposes). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const canSudo = spawnSync('sudo', ['-n', '-u', 'nobody', 'true']).status === 0;

describe('local connection', () => {
  it('a command timeout kills everything the command started, not only /bin/sh', async () => {
    const connection = new LocalConnection('local1');
    const pidFile = join(dir, 'sleep.pid');
    // sleep runs as a child of the shell (not exec'd in its place): the case a plain kill misses.
    const error = await connection
      .exec(`sleep 300 & echo $! > ${pidFile}; wait`, { timeoutMs: 500 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntil(() => !isRunning(pid), 3000)).toBe(true);
  });

  it('keeps working after a timeout', async () => {
    const connection = new LocalConnection('local1');
    await expect(connection.exec('sleep 5', { timeoutMs: 200 })).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(await connection.exec('echo still here')).toEqual({ code: 0, stdout: 'still here\n', stderr: '' });
  });

  it.skipIf(!canSudo)('becomes another user through sudo, and stdin reaches the command', async () => {
    const connection = new LocalConnection('local1');
    const result = await connection.exec('id -un; cat', { become: { user: 'nobody' }, stdin: 'piped in' });
    expect(result).toEqual({ code: 0, stdout: 'nobody\npiped in', stderr: '' });
    // Becoming the user drover already runs as needs no sudo.
    const self = (await connection.exec('id -un')).stdout;
    expect((await connection.exec('id -un', { become: { user: self.trim() } })).stdout).toBe(self);
  });

  it.skipIf(!canSudo)('becoming a user that does not exist is a BecomeError quoting sudo', async () => {
    const connection = new LocalConnection('local1');
    const error = await connection
      .exec('true', { become: { user: 'no-such-user-drover' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BecomeError);
    expect((error as Error).message).toMatch(/become no-such-user-drover on local1 failed .*unknown user/i);
  });

  it.skipIf(!canSudo)("a timeout under become kills the become user's processes too", async () => {
    const connection = new LocalConnection('local1');
    const error = await connection
      .exec('sleep 301 & wait', { timeoutMs: 1000, become: { user: 'nobody' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    const left = spawnSync('pgrep', ['-u', 'nobody', '-f', '^sleep 301$'], { encoding: 'utf8' }).stdout.trim();
    expect(
      await waitUntil(() => spawnSync('pgrep', ['-u', 'nobody', '-f', '^sleep 301$']).status !== 0, 3000),
      `left running: ${left}`,
    ).toBe(true);
  });
});
