import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LabStatus } from '../../src/lab/index.js';
import { ensureTestLab, LAB_TEST_HOSTS, runOnLabHostOk } from '../helpers/lab.js';
import { runCli } from '../helpers/run-cli.js';

const [A, B] = LAB_TEST_HOSTS;

describe('drover run --lab', () => {
  let status: LabStatus;
  let dir: string;
  beforeAll(async () => {
    status = await ensureTestLab();
    // The test hosts may have run this before (a kept lab): start from a host without the file.
    for (const host of [A, B]) await runOnLabHostOk(status, host, 'rm -f /etc/drover-lab-run.conf');
    dir = mkdtempSync(join(tmpdir(), 'drover-run-lab-'));
    // Addresses that lead nowhere (TEST-NET-1) and a user the lab does not have: --lab must replace them.
    writeFileSync(
      join(dir, 'hosts.ini'),
      `[web]\n${A} ansible_host=192.0.2.10 ansible_user=deploy app_port=8080\n${B} ansible_host=192.0.2.11 ansible_user=deploy app_port=8081\n`,
    );
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: web
  tasks:
    - copy:
        dest: /etc/drover-lab-run.conf
        content: "{{ inventory_hostname }} listens on {{ app_port }}, peer {{ groups.web | join(',') }}\\n"
`,
    );
  });

  it('reaches the lab containers over SSH with host-key checking, keeping the other inventory vars', async () => {
    const report = join(dir, 'first.json');
    const first = await runCli([
      'run',
      join(dir, 'site.yml'),
      '-i',
      join(dir, 'hosts.ini'),
      '--lab',
      '--report',
      report,
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(await runOnLabHostOk(status, A, 'cat /etc/drover-lab-run.conf')).toBe(
      `${A} listens on 8080, peer ${A},${B}\n`,
    );
    expect(await runOnLabHostOk(status, B, 'cat /etc/drover-lab-run.conf')).toBe(
      `${B} listens on 8081, peer ${A},${B}\n`,
    );
    expect(JSON.parse(readFileSync(report, 'utf8')).hosts[A].changed).toBe(1);

    const second = await runCli([
      'run',
      join(dir, 'site.yml'),
      '-i',
      join(dir, 'hosts.ini'),
      '--lab',
      '--report',
      report,
    ]);
    expect(second.code).toBe(0);
    const host = JSON.parse(readFileSync(report, 'utf8')).hosts[A];
    expect(host.changed).toBe(0);
    // A converged play over SSH: facts, then every probe in one exec.
    expect(host.execs).toBe(2);
  });

  it('without --lab, the same inventory points nowhere reachable', async () => {
    const result = await runCli(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '-T', '2']);
    expect(result.code).toBe(3);
  });
});
