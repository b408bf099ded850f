import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LabError } from './errors.js';
import { isProcessAlive } from './process.js';

const WAIT_LIMIT_MS = 20 * 60_000;

/** Runs fn while holding the lab lock, so two `lab up`/`lab down` never change the lab at once. */
export async function withLabLock<T>(lockFile: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true });
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (!holder || !isProcessAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() - started > WAIT_LIMIT_MS) {
        throw new LabError(`another drover lab command (pid ${holder}) has held ${lockFile} for over 20 minutes; stop it or remove the file`);
      }
      if (!announced) log(`waiting for another drover lab command (pid ${holder}) to finish`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}
