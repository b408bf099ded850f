import { defineConfig } from 'vitest/config';

/** Tests that need lab hosts (systemd-nspawn containers, root) run in their own project. */
const LAB_TESTS = ['test/**/*.lab.test.ts', 'test/lab/**/*.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: LAB_TESTS,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: LAB_TESTS,
          globalSetup: ['test/global-setup-lab.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
