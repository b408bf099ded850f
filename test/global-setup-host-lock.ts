import { acquireLock } from '../src/lab/lock.js';

/**
 * Test runs on one machine share fixed names: the lab's lab-a and lab-b, and the network namespaces
 * and 10.231.x subnets of the test sshds. Two runs at once would tear down each other's hosts, so a
 * run that needs them waits here for the other to finish. The lab and sshd projects of one run
 * share the lock (they run in one vitest process); the last of them to finish releases it.
 */
const LOCK_FILE = process.env.DROVER_TEST_LOCK ?? '/run/lock/drover-test-hosts.lock';

interface Holding {
  users: number;
  release: () => Promise<void>;
}

const state = globalThis as { droverTestHostLock?: Promise<Holding> };

export default async function setup(): Promise<() => Promise<void>> {
  state.droverTestHostLock ??= acquireLock(LOCK_FILE, {
    log: (line) => process.stderr.write(`[test hosts] ${line}\n`),
    holder: 'another drover test run using the lab and test sshds',
    waitLimitMs: 60 * 60_000,
  }).then((release) => ({ users: 0, release }));
  const holding = await state.droverTestHostLock;
  holding.users += 1;
  return async () => {
    holding.users -= 1;
    if (holding.users > 0) return;
    state.droverTestHostLock = undefined;
    await holding.release();
  };
}
