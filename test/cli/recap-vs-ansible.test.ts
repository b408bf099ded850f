/**
 * PLAY RECAP counts, rule by rule: the same playbook through ansible-playbook 2.14 (its JSON
 * callback's stats) and drover (its recap line), on a local host.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecap } from '../helpers/read-output.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-recap-');
});
afterAll(() => project.remove());

const COUNTS = ['ok', 'changed', 'failed', 'skipped', 'rescued', 'ignored'] as const;

/** The recap of one run of `tasks` (and `handlers`) by each tool, each under its own directory. */
async function recapOfBoth(name: string, tasks: string, handlers = '') {
  const play = project.write(
    `${name}.yml`,
    `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}${handlers ? `  handlers:\n${handlers}` : ''}`,
  );
  const outOf = (tool: string) => {
    const dir = join(project.dir, name, tool);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const args = (tool: string) => [play, '-i', 'h1,', '-c', 'local', '-e', `out=${outOf(tool)}`];
  const ansible = spawnSync('ansible-playbook', args('ansible'), {
    cwd: project.dir,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1' },
  });
  if (ansible.error) throw ansible.error;
  const stats = (JSON.parse(ansible.stdout) as { stats: Record<string, Record<string, number>> }).stats.h1;
  const fromAnsible = Object.fromEntries(COUNTS.map((k) => [k, stats[k === 'failed' ? 'failures' : k] ?? 0]));
  const drover = readRecap((await runCli(['run', ...args('drover')], { cwd: project.dir })).stdout).h1;
  const fromDrover = Object.fromEntries(COUNTS.map((k) => [k, drover[k]]));
  return { ansible: fromAnsible, drover: fromDrover };
}

describe('PLAY RECAP counts, as ansible-playbook counts them', () => {
  it('a command whose creates (or removes) guard holds does not run, and is ok, not skipped', async () => {
    const { ansible, drover } = await recapOfBoth(
      'guards',
      `    - file: { path: "{{ out }}/made", state: touch }
    - command: "touch {{ out }}/never"
      args: { creates: "{{ out }}/made" }
    - shell: "rm {{ out }}/gone"
      args: { removes: "{{ out }}/gone" }
`,
    );
    expect(drover).toEqual(ansible);
    expect(drover).toMatchObject({ ok: 3, changed: 1, skipped: 0 });
  });

  it('an ignored failure of a command counts as ignored, ok and changed; of fail, as ignored and ok', async () => {
    const { ansible, drover } = await recapOfBoth(
      'ignored',
      `    - shell: "exit 1"
      ignore_errors: true
    - fail: { msg: broken }
      ignore_errors: true
    - command: "true"
`,
    );
    expect(drover).toEqual(ansible);
    expect(drover).toMatchObject({ ok: 3, changed: 2, ignored: 2, failed: 0 });
  });

  it('a rescued failure counts as rescued, not failed; the rescue tasks count as usual', async () => {
    const { ansible, drover } = await recapOfBoth(
      'rescued',
      `    - block:
        - command: "false"
      rescue:
        - debug: { msg: recovered }
      always:
        - copy: { dest: "{{ out }}/always", content: "x" }
`,
    );
    expect(drover).toEqual(ansible);
    expect(drover).toMatchObject({ rescued: 1, failed: 0 });
  });

  it('a false when, and a loop whose every item is skipped, count as skipped', async () => {
    const { ansible, drover } = await recapOfBoth(
      'skipped',
      `    - debug: { msg: never }
      when: false
    - debug: { msg: "{{ item }}" }
      loop: [1, 2]
      when: item > 5
    - debug: { msg: "{{ item }}" }
      loop: [1, 9]
      when: item > 5
`,
    );
    expect(drover).toEqual(ansible);
    expect(drover).toMatchObject({ ok: 1, skipped: 2 });
  });

  it('changed_when: false makes a command ok; failed_when: false makes a failing command changed', async () => {
    const { ansible, drover } = await recapOfBoth(
      'conditions',
      `    - command: "true"
      changed_when: false
    - shell: "exit 4"
      failed_when: false
`,
    );
    expect(drover).toEqual(ansible);
    expect(drover).toMatchObject({ ok: 2, changed: 1, failed: 0 });
  });

  it('a notified handler counts once when it runs; a handler nobody notified, not at all', async () => {
    const { ansible, drover } = await recapOfBoth(
      'handlers',
      `    - copy: { dest: "{{ out }}/conf", content: "x" }
      notify: [reload]
    - copy: { dest: "{{ out }}/other", content: "x" }
      notify: [reload]
`,
      `    - name: reload
      command: "true"
    - name: unused
      command: "true"
`,
    );
    expect(drover).toEqual(ansible);
    expect(drover).toMatchObject({ ok: 3, changed: 3 });
  });
});
