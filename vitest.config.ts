import { defineConfig } from 'vitest/config';

/** Tests that need lab hosts (systemd-nspawn containers, root) run in their own project. */
const LAB_TESTS = ['test/**/*.lab.test.ts', 'test/lab/**/*.test.ts', 'test/e2e/**/*.test.ts'];
/** Tests that start bare sshds in network namespaces with fixed names and subnets (root). */
const SSHD_TESTS = ['test/connection/**/*.test.ts'];
/** Only one test run on a machine at a time may use those hosts; see the setup file. */
const HOST_LOCK = 'test/global-setup-host-lock.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...LAB_TESTS, ...SSHD_TESTS],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'sshd',
          include: SSHD_TESTS,
          globalSetup: [HOST_LOCK],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: LAB_TESTS,
          globalSetup: [HOST_LOCK, 'test/global-setup-lab.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
