import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LabError } from './errors.js';
import { isProcessAlive } from './process.js';

export interface LockOptions {
  log: (line: string) => void;
  /** What the holder is doing, for the waiting and giving-up messages. */
  holder: string;
  waitLimitMs?: number;
}

/**
 * Takes a pid-file lock, waiting while a live process holds it and taking over from a dead one.
 * Returns the release function.
 */
export async function acquireLock(lockFile: string, options: LockOptions): Promise<() => Promise<void>> {
  const waitLimitMs = options.waitLimitMs ?? 20 * 60_000;
  await mkdir(dirname(lockFile), { recursive: true });
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (!holder || !isProcessAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() - started > waitLimitMs) {
        const limit = waitLimitMs >= 120_000 ? `${Math.round(waitLimitMs / 60_000)} minutes` : `${Math.round(waitLimitMs / 1000)} s`;
        throw new LabError(`${options.holder} (pid ${holder}) has held ${lockFile} for over ${limit}; stop it or remove the file`);
      }
      if (!announced) options.log(`waiting for ${options.holder} (pid ${holder}) to finish`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

/** Runs fn while holding the lab lock, so two `lab up`/`lab down` never change the lab at once. */
export async function withLabLock<T>(lockFile: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const release = await acquireLock(lockFile, { log, holder: 'another drover lab command' });
  try {
    return await fn();
  } finally {
    await release();
  }
}
