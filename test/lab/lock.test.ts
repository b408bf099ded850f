import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/lab/lock.js';

async function lockPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'drover-lock-')), 'test.lock');
}

describe('acquireLock', () => {
  it('waits while another live process holds the lock, says so once, and takes it when that process ends', async () => {
    const file = await lockPath();
    const holder = spawn('sleep', ['1.5']);
    await writeFile(file, String(holder.pid));
    const lines: string[] = [];
    const started = Date.now();
    const release = await acquireLock(file, { log: (line) => lines.push(line), holder: 'another test run' });
    expect(Date.now() - started).toBeGreaterThan(1000);
    expect(lines).toEqual([`waiting for another test run (pid ${holder.pid}) to finish`]);
    expect((await readFile(file, 'utf8')).split(' ')[0]).toBe(String(process.pid));
    await release();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock whose PID now belongs to another process, started later', async () => {
    const file = await lockPath();
    // This very process, but with a start time it does not have: what a reused PID looks like.
    await writeFile(file, `${process.pid} 1`);
    const release = await acquireLock(file, { log: () => {}, holder: 'x', waitLimitMs: 1000 });
    expect((await readFile(file, 'utf8')).split(' ')[0]).toBe(String(process.pid));
    await release();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = await lockPath();
    const gone = spawn('true');
    await new Promise((resolve) => gone.on('exit', resolve));
    await writeFile(file, String(gone.pid));
    const release = await acquireLock(file, { log: () => {}, holder: 'x', waitLimitMs: 1000 });
    expect((await readFile(file, 'utf8')).split(' ')[0]).toBe(String(process.pid));
    await release();
  });

  it('creates its directory, and gives up after the wait limit with who holds it and what to do', async () => {
    const file = join(await lockPath(), '..', 'sub', 'test.lock');
    const release = await acquireLock(file, { log: () => {}, holder: 'x' });
    await expect(
      acquireLock(file, { log: () => {}, holder: 'a drover lab command', waitLimitMs: 500 }),
    ).rejects.toThrow(
      `a drover lab command (pid ${process.pid}) has held ${file} for over 1 s; stop it or remove the file`,
    );
    await release();
    expect(existsSync(file)).toBe(false);
  });
});
