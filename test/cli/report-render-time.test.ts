import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

describe('the JSON report', () => {
  it('tells how much of the run went to rendering templates (renderMs, within durationMs)', async () => {
    const values = Array.from({ length: 200 }, (_, i) => `    v${i}: "{{ base | upper }}-{{ ${i} * 2 }}"`).join('\n');
    const dir = writeFiles(
      {
        'hosts.ini': 'r1 ansible_connection=local\n',
        'site.yml': `- hosts: all\n  gather_facts: false\n  vars:\n    base: shop\n${values}\n  tasks:\n    - debug:\n        msg: "${Array.from({ length: 200 }, (_, i) => `{{ v${i} }}`).join(',')}"\n`,
      },
      'drover-render-time-',
    );
    const report = join(dir, 'report.json');
    const result = await runCli(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--report', report]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SHOP-0,SHOP-2,SHOP-4');
    const { renderMs, durationMs } = JSON.parse(readFileSync(report, 'utf8'));
    expect(renderMs).toBeGreaterThan(0);
    expect(renderMs).toBeLessThanOrEqual(durationMs);
  });
});
