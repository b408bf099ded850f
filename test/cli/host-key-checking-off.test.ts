/** --host-key-checking off is allowed, but never silently. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-hkc-off-');
});
afterAll(() => project.remove());

describe('--host-key-checking off', () => {
  it('warns once per run, for run, check and drift, and only when asked for', async () => {
    const inventory = project.write('hosts.ini', 'h1 ansible_connection=local\nh2 ansible_connection=local\n');
    const play = project.write(
      'play.yml',
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n    - debug: msg=again\n',
    );
    for (const command of ['run', 'check', 'drift']) {
      const extra = command === 'drift' ? ['--state-dir', project.dir] : [];
      const result = await runCli([command, play, '-i', inventory, '--host-key-checking', 'off', ...extra]);
      expect(result.stderr.match(/host keys are not checked/g), `${command}: ${result.stderr}`).toHaveLength(1);
    }
    const strict = await runCli(['run', play, '-i', inventory]);
    expect(strict.stderr).not.toContain('host keys are not checked');
  });
});
