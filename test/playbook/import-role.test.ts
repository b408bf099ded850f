import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { PlaybookError } from '../../src/playbook/errors.js';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const log = (name: string): string[] =>
  existsSync(join(project.dir, name, 'log'))
    ? readFileSync(join(project.dir, name, 'log'), 'utf8')
        .trim()
        .split('\n')
    : [];

beforeAll(() => {
  project = createTempProject('drover-import-role-');
  project.write('roles/greet/defaults/main.yml', 'greeting: hello\n');
  project.write(
    'roles/greet/tasks/main.yml',
    '- shell: echo "{{ greeting }} {{ who }}" >> {{ out }}/log\n  notify: greeted\n',
  );
  project.write('roles/greet/tasks/bye.yml', '- shell: echo "bye {{ who }}" >> {{ out }}/log\n');
  project.write('roles/greet/handlers/main.yml', '- name: greeted\n  shell: echo handler >> {{ out }}/log\n');
});
afterAll(() => project.remove());

async function runPlay(name: string, tasks: string) {
  const playbook = project.write(`${name}.yml`, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
  const inventory = project.write(`${name}.ini`, 'h1 ansible_connection=local\n');
  return runEngine(playbook, inventory, { extraVars: { out: join(project.dir, name) } });
}

describe('import_role', () => {
  it("runs the role's tasks in place with its defaults and the task's vars, each time it is imported, and its handler once", async () => {
    project.write('twice/.keep', '');
    await runPlay(
      'twice',
      `    - shell: echo before >> {{ out }}/log
    - import_role: { name: greet }
      vars: { who: ann }
    - ansible.builtin.import_role: { name: greet, tasks_from: bye }
      vars: { who: bob }
    - import_role: { name: greet }
      vars: { who: cid, greeting: hi }
`,
    );
    expect(log('twice')).toEqual(['before', 'hello ann', 'bye bob', 'hi cid', 'handler']);
  });

  it('applies when and tags of the import to every task of the role', async () => {
    project.write('skipped/.keep', '');
    const { results } = await runPlay(
      'skipped',
      `    - import_role: { name: greet }
      vars: { who: ann }
      when: false
`,
    );
    expect(log('skipped')).toEqual([]);
    expect(results.get('h1')!.map((r) => r.status)).toEqual(['skipped']);
  });

  it('is checked at load time: a missing role or tasks_from file, a loop, an unknown option', async () => {
    const playbook = project.write(
      'bad.yml',
      `- hosts: all
  tasks:
    - import_role: { name: nosuch }
    - import_role: { name: greet, tasks_from: nosuch }
    - import_role: { name: greet }
      loop: [1, 2]
    - import_role: { name: greet, allow_duplicates: true }
    - include_role: { name: greet }
    - ansible.builtin.include_role: { name: greet }
`,
    );
    const modules = await loadModules();
    const error = (() => {
      try {
        loadPlaybook(playbook, modules);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PlaybookError);
    const text = (error as Error).message;
    expect(text).toContain("role 'nosuch' not found");
    expect(text).toContain("role 'greet' has no tasks file 'nosuch'");
    expect(text).toContain("'loop' is not allowed on import_role");
    expect(text).toContain('import_role is static and cannot loop');
    expect(text).toContain("'allow_duplicates' is not supported on import_role");
    expect(text.match(/is an Ansible keyword drover does not support/g)).toHaveLength(2);
    expect(text.match(/use import_role \(static\) with the same name and tasks_from/g)).toHaveLength(2);
  });
});
