/** Two drover runs on one host at once: the second waits for the first, and no edit is lost. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineByLinePlay, missingLines, sharedFile } from '../helpers/concurrent-runs.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
/** The lock is on unless turned off, as for a user (the test helper turns it off for other tests). */
const LOCKED = { env: { DROVER_HOST_LOCK: 'on' } };
beforeAll(() => {
  project = createTempProject('drover-host-lock-');
});
afterAll(() => project.remove());

describe('the host lock', () => {
  it('makes a second run wait, with a message, and both runs keep all their lines', async () => {
    const inventory = project.write('hosts.ini', 'h1 ansible_connection=local\n');
    const file = sharedFile(project.dir);
    const [a, b] = await Promise.all([
      runCli(['run', project.write('a.yml', lineByLinePlay(file, 'A')), '-i', inventory], LOCKED),
      runCli(['run', project.write('b.yml', lineByLinePlay(file, 'B')), '-i', inventory], LOCKED),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(missingLines(file)).toEqual([]);
    // One of them found the host locked and said so, once.
    const waits =
      `${a.stdout}${b.stdout}`.match(/another drover run holds this host's lock \(drover pid \d+ on .+\); waiting/g) ??
      [];
    expect(waits).toHaveLength(1);
  });

  it('is shared by the hosts of one run that are one machine (several local hosts): the run does not wait for itself', async () => {
    const inventory = project.write(
      'three.ini',
      'l1 ansible_connection=local\nl2 ansible_connection=local\nl3 ansible_connection=local\n',
    );
    const play = project.write('three.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n');
    const result = await runCli(['run', play, '-i', inventory], LOCKED);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toContain('holds this host');
    expect(result.stdout).toMatch(/l3\s+: ok=1/);
  });

  it('is released when a run ends: the next run does not wait, and --no-host-lock takes no lock', async () => {
    const inventory = project.write('hosts.ini', 'h1 ansible_connection=local\n');
    const play = project.write('one.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n');
    const next = await runCli(['run', play, '-i', inventory], LOCKED);
    expect(next.stdout).not.toContain('holds this host');
    const unlocked = await runCli(['run', play, '-i', inventory, '--no-host-lock'], LOCKED);
    expect(unlocked.code).toBe(0);
  });
});
