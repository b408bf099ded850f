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
  project = createTempProject('drover-loops-');
});
afterAll(() => project.remove());

describe('loops and task files', () => {
  it('with_items runs the task once per item, flattening nested lists one level as Ansible does', async () => {
    const { results } = await run(
      'with-items',
      `- hosts: all
  gather_facts: false
  tasks:
    - file: { path: "{{ out }}", state: directory }
    - copy: { dest: "{{ out }}/{{ item }}", content: "item {{ item }}" }
      with_items:
        - [a, b]
        - c
`,
    );
    expect(written('with-items')).toEqual({ a: 'item a', b: 'item b', c: 'item c' });
    expect(results.get('l1')![1].items!.map((item) => item.status)).toEqual(['changed', 'changed', 'changed']);
  });

  it('include_tasks runs a file per loop item, with a templated file name, at run time', async () => {
    project.write('include/setup-db.yml', '- copy: { dest: "{{ out }}/db", content: "db for {{ part }}" }\n');
    project.write('include/setup-web.yml', '- copy: { dest: "{{ out }}/web", content: "web for {{ part }}" }\n');
    project.write('include/per-item.yml', '- copy: { dest: "{{ out }}/item-{{ item }}", content: "{{ item }}" }\n');
    await run(
      'include',
      `- hosts: all
  gather_facts: false
  tasks:
    - file: { path: "{{ out }}", state: directory }
    - set_fact: { parts: [db, web] }
    - include_tasks: "setup-{{ part }}.yml"
      loop: "{{ parts }}"
      loop_control: { loop_var: part }
    - include_tasks: per-item.yml
      loop: [x, y]
`,
    );
    expect(written('include')).toEqual({ db: 'db for db', web: 'web for web', 'item-x': 'x', 'item-y': 'y' });
  });

  it('import_tasks puts the tasks of a file in place, with the vars given to it', async () => {
    project.write(
      'import/common.yml',
      '- copy: { dest: "{{ out }}/imported", content: "{{ greeting }}" }\n- copy: { dest: "{{ out }}/second", content: two }\n',
    );
    const { results } = await run(
      'import',
      `- hosts: all
  gather_facts: false
  tasks:
    - file: { path: "{{ out }}", state: directory }
    - import_tasks: common.yml
      vars: { greeting: hello }
    - copy: { dest: "{{ out }}/after", content: three }
`,
    );
    expect(written('import')).toEqual({ after: 'three', imported: 'hello', second: 'two' });
    expect(results.get('l1')!.map((r) => r.status)).toEqual(['changed', 'changed', 'changed', 'changed']);
  });
});
