import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const run = (name: string, playbook: string) =>
  runEngine(
    project.write(`${name}/play.yml`, playbook),
    project.write(`${name}/inventory.ini`, 'l1 ansible_connection=local\n'),
    { extraVars: { out: join(project.dir, name, 'out') } },
  );
const written = (name: string): Record<string, string> => {
  const dir = join(project.dir, name, 'out');
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((file) => [file, readFileSync(join(dir, file), 'utf8')]),
  );
};

beforeAll(() => {
  project = createTempProject('drover-with-loops-');
});
afterAll(() => project.remove());

describe('with_* loops on a host', () => {
  it("looks with_fileglob patterns up in the role's files/ first, and flattens with_items of registered lists", async () => {
    project.write('role/roles/r/files/conf/one.conf', '1');
    project.write('role/roles/r/files/conf/two.conf', '2');
    project.write('role/files/conf/play.conf', 'play');
    project.write(
      'role/roles/r/tasks/main.yml',
      '- copy: { dest: "{{ out }}/{{ item | basename }}", content: "{{ item }}" }\n  with_fileglob: conf/*.conf\n',
    );
    const { outcome } = await run(
      'role',
      `- hosts: all
  gather_facts: false
  pre_tasks:
    - file: { path: "{{ out }}", state: directory }
    - command: printf 'a\\nb'
      register: lines
      changed_when: false
  roles: [r]
  tasks:
    - copy: { dest: "{{ out }}/line-{{ item }}", content: "{{ item }}" }
      with_items: [first, "{{ lines.stdout_lines }}"]
`,
    );
    expect(outcome.hosts.get('l1')!.stats.failed).toBe(0);
    const roleFiles = join(project.dir, 'role/roles/r/files/conf');
    expect(written('role')).toEqual({
      'one.conf': join(roleFiles, 'one.conf'),
      'two.conf': join(roleFiles, 'two.conf'),
      'line-a': 'a',
      'line-b': 'b',
      'line-first': 'first',
    });
  });

  it('never renders a template that data read from the host holds, when it comes through a with_* loop', async () => {
    const { outcome } = await run(
      'inert',
      `- hosts: all
  gather_facts: false
  vars:
    secret: s3cret
  tasks:
    - file: { path: "{{ out }}", state: directory }
    - command: echo "{{ '{{' }} secret }}"
      register: printed
      changed_when: false
    - copy: { dest: "{{ out }}/{{ item.0 }}", content: "{{ item.1 }}" }
      with_together: [[one], "{{ printed.stdout_lines }}"]
`,
    );
    expect(outcome.hosts.get('l1')!.stats.failed).toBe(0);
    expect(written('inert')).toEqual({ one: '{{ secret }}' });
  });

  it('fails the host with what the lookup says, naming the task and where it is written', async () => {
    const { outcome, results } = await run(
      'errors',
      `- hosts: all
  gather_facts: false
  vars:
    names: [a, b]
    users: [{ name: carol }]
  tasks:
    - name: not a map
      debug: { msg: "{{ item.key }}" }
      with_dict: "{{ names }}"
      ignore_errors: true
    - name: no such key
      debug: { msg: "{{ item.1 }}" }
      with_subelements: ["{{ users }}", keys]
      ignore_errors: true
    - name: bad sequence
      debug: { msg: "{{ item }}" }
      with_sequence: "start={{ names | length }} end=1"
`,
    );
    expect(outcome.hosts.get('l1')!.stats.failed).toBe(1);
    const errors = results.get('l1')!.map((result) => [result.task, result.status, result.error]);
    const file = join(project.dir, 'errors/play.yml');
    expect(errors).toEqual([
      ['not a map', 'failed', `with_dict: with_dict expects a dict in task 'not a map' (${file}:7:7)`],
      [
        'no such key',
        'failed',
        `with_subelements: could not find 'keys' key in iterated item {"name":"carol"} in task 'no such key' (${file}:11:7)`,
      ],
      [
        'bad sequence',
        'failed',
        `with_sequence: to count backwards make stride negative in task 'bad sequence' (${file}:15:7)`,
      ],
    ]);
  });
});
