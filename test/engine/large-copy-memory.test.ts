import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { megabytes, runDroverMeasured, sha256OfFile, writeRandomFile } from '../helpers/large-copy.js';

const SIZE = 100 * 1024 * 1024;
/** The budget for drover's whole process while it copies SIZE bytes: node and drover's own code take about 90 MB of it. */
const PEAK_LIMIT_BYTES = 150_000_000;

let dir: string;
let inventory: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-bigcopy-mem-'));
  inventory = join(dir, 'hosts.ini');
  writeFileSync(inventory, 'local ansible_connection=local\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function playbookCopying(src: string, dest: string): string {
  const path = join(dir, `copy-${src.split('/').at(-1)}.yml`);
  writeFileSync(
    path,
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: copy it',
      '      copy:',
      `        src: ${src}`,
      `        dest: ${dest}`,
      '',
    ].join('\n'),
  );
  return path;
}

describe('copying a 100 MB file streams it', { timeout: 300_000 }, () => {
  it('drover stays under 150 MB of memory, cold and converged', async () => {
    const src = join(dir, 'big.bin');
    const srcSha = writeRandomFile(src, SIZE);
    mkdirSync(join(dir, 'out'));
    const dest = join(dir, 'out', 'big.bin');
    const playbook = playbookCopying(src, dest);

    const cold = await runDroverMeasured(['run', playbook, '-i', inventory]);
    expect(cold.code, cold.stdout + cold.stderr).toBe(0);
    expect(cold.stdout).toMatch(/local\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
    expect(await sha256OfFile(dest)).toBe(srcSha);

    const converged = await runDroverMeasured(['run', playbook, '-i', inventory]);
    expect(converged.code, converged.stdout + converged.stderr).toBe(0);
    expect(converged.stdout).toMatch(/local\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);

    // For scale: the same run copying 1 KiB.
    const small = join(dir, 'small.bin');
    writeFileSync(small, randomBytes(1024));
    const baseline = await runDroverMeasured([
      'run',
      playbookCopying(small, join(dir, 'out', 'small.bin')),
      '-i',
      inventory,
    ]);
    expect(baseline.code, baseline.stdout + baseline.stderr).toBe(0);

    console.log(
      `peak RSS of drover copying ${SIZE / 1024 / 1024} MiB over the local connection: cold ${megabytes(cold.peakRss)}, converged ${megabytes(converged.peakRss)}` +
        ` (copying 1 KiB: ${megabytes(baseline.peakRss)}; limit ${megabytes(PEAK_LIMIT_BYTES)})`,
    );
    expect(cold.peakRss).toBeLessThan(PEAK_LIMIT_BYTES);
    expect(converged.peakRss).toBeLessThan(PEAK_LIMIT_BYTES);
  });
});
