/**
 * check_mode, failed_when, until and registered loops under check: the same playbook through
 * ansible-playbook 2.14 and drover, comparing exit codes, per-task statuses and files written.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnsiblePlaybook, runDrover } from '../helpers/ansible-statuses.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-check-keywords-');
});
afterAll(() => project.remove());

/** Runs the play through both tools, each writing under its own directory. */
async function runBoth(name: string, tasks: string, flags: string[] = []) {
  const play = project.write(`${name}.yml`, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  const out = (tool: string) => {
    const dir = join(project.dir, name, tool);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const ansibleOut = out('ansible');
  const droverOut = out('drover');
  const ansible = runAnsiblePlaybook(project.dir, [
    play,
    '-i',
    'h1,',
    '-c',
    'local',
    '-e',
    `out=${ansibleOut}`,
    ...flags,
  ]);
  const drover = await runDrover(project.dir, [
    'run',
    play,
    '-i',
    'h1,',
    '-c',
    'local',
    '-e',
    `out=${droverOut}`,
    ...flags,
  ]);
  return { ansible, drover, ansibleOut, droverOut };
}

describe('check keywords, compared with ansible-playbook', () => {
  it('check_mode: true on a task checks it in a normal run', async () => {
    const { ansible, drover, ansibleOut, droverOut } = await runBoth(
      'forced',
      `    - name: only checked\n      copy: { dest: "{{ out }}/checked", content: "x" }\n      check_mode: true\n    - name: written\n      copy: { dest: "{{ out }}/written", content: "x" }\n`,
    );
    expect(drover.exitCode).toBe(ansible.exitCode);
    expect(drover.statuses).toEqual(ansible.statuses);
    for (const dir of [ansibleOut, droverOut]) {
      expect(existsSync(join(dir, 'checked'))).toBe(false);
      expect(existsSync(join(dir, 'written'))).toBe(true);
    }
  });

  it('failed_when is judged on what check predicts, and stops the host', async () => {
    const { ansible, drover } = await runBoth(
      'failed-when',
      `    - name: would change\n      copy: { dest: "{{ out }}/f", content: "x" }\n      register: r\n      failed_when: r.changed\n    - name: after\n      copy: { dest: "{{ out }}/g", content: "x" }\n`,
      ['--check'],
    );
    expect(ansible.exitCode).toBe(2);
    expect(drover.exitCode).toBe(ansible.exitCode);
    expect(drover.statuses).toEqual(ansible.statuses);
  });

  it('until is retried on what check predicts, and fails when it never holds', async () => {
    const { ansible, drover } = await runBoth(
      'until',
      `    - name: never converges in check\n      copy: { dest: "{{ out }}/u", content: "x" }\n      register: r\n      until: not r.changed\n      retries: 1\n      delay: 0\n`,
      ['--check'],
    );
    expect(ansible.exitCode).toBe(2);
    expect(drover.exitCode).toBe(ansible.exitCode);
    expect(drover.statuses).toEqual(ansible.statuses);
  });

  it('a registered loop has its results in check mode', async () => {
    const { ansible, drover } = await runBoth(
      'loop',
      `    - name: write two\n      copy: { dest: "{{ out }}/{{ item }}", content: "x" }\n      loop: [a, b]\n      register: written\n    - name: two results\n      assert:\n        that:\n          - written.results | length == 2\n          - written.changed\n`,
      ['--check'],
    );
    expect(ansible.exitCode).toBe(0);
    expect(drover.exitCode).toBe(ansible.exitCode);
    expect(drover.statuses).toEqual(ansible.statuses);
  });
});
