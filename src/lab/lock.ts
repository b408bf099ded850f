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

/** When the process started (clock ticks since boot, /proc/PID/stat field 22); undefined when it is gone. */
async function readStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Whether the process that wrote "PID START" still runs: same PID, and not a later process given that PID. */
async function isHolderAlive(pid: number, startTime: string | undefined): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  return startTime === undefined || (await readStartTime(pid)) === startTime;
}

/**
 * Takes a pid-file lock, waiting while a live process holds it and taking over from a dead one
 * (the file holds the PID and its start time, so a PID reused after a crash does not count).
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
      await handle.writeFile(`${process.pid} ${(await readStartTime(process.pid)) ?? ''}`.trim());
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pid, startTime] = (await readFile(lockFile, 'utf8').catch(() => '')).trim().split(' ');
      const holder = Number(pid);
      if (!holder || !(await isHolderAlive(holder, startTime))) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() - started > waitLimitMs) {
        const limit =
          waitLimitMs >= 120_000
            ? `${Math.round(waitLimitMs / 60_000)} minutes`
            : `${Math.round(waitLimitMs / 1000)} s`;
        throw new LabError(
          `${options.holder} (pid ${holder}) has held ${lockFile} for over ${limit}; stop it or remove the file`,
        );
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
