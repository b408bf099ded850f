import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const PLAYBOOK = new URL('../../playbooks/drift-schedule.yml', import.meta.url).pathname;
const SERVICE_MODULE = new URL('../../src/modules/service.ts', import.meta.url).pathname;

describe('playbooks/drift-schedule.yml', () => {
  const haveService = existsSync(SERVICE_MODULE);
  if (!haveService)
    console.warn(
      'skipping the drift-schedule syntax check: the service module (src/modules/service.ts) is not there yet',
    );

  it.skipIf(!haveService)('validates with drover run --syntax-check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-drift-schedule-'));
    try {
      const inventory = join(dir, 'inventory.yml');
      writeFileSync(inventory, 'drover_control:\n  hosts:\n    ops1:\n      ansible_connection: local\n');
      const result = await runCli(['run', PLAYBOOK, '-i', inventory, '--syntax-check']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('valid: 1 plays');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
