import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDriftHook } from '../../src/drift/run-hook.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-drift-hook-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the --on-drift command', () => {
  it('gets a report path with spaces and quotes as one argument, unharmed', async () => {
    const report = join(dir, `it's a "report".json`);
    const out = join(dir, 'args.txt');
    const result = await runDriftHook(
      `args() { printf '%s\\n' "$#" "$1" "$DROVER_DRIFT_SUMMARY" > ${out}; }; args`,
      report,
      { DROVER_DRIFT_SUMMARY: 'drift: 1 resource on 1 host' },
      10_000,
    );
    expect(result).toEqual({ command: expect.any(String), exitCode: 0 });
    expect(readFileSync(out, 'utf8')).toBe(`1\n${report}\ndrift: 1 resource on 1 host\n`);
  });

  it('is stopped with everything it started when it runs past the timeout', async () => {
    const started = Date.now();
    const result = await runDriftHook('sleep 30; true', join(dir, 'r.json'), {}, 500);
    // Stopped, not waited for (30 s).
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.exitCode).toBeNull();
    expect(result.error).toBe('did not finish within 1 s');
  });
});
