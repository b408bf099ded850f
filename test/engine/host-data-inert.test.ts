/**
 * Text read from a host is never rendered as a template: a registered stdout holding
 * `{{ hostvars.other.secret }}` arrives literally wherever it is passed on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-inert-');
});
afterAll(() => project.remove());

const SECRET = `other-host-secret-${process.pid}`;
// printf joins the halves on the host, so the task's own argument holds no template.
const PRINT_TEMPLATE = `printf '%s%s\\n' '{' '{ hostvars.h2.secret }}'`;
const LITERAL = '{{ hostvars.h2.secret }}';

describe('data read from a host', () => {
  it('passes through register, set_fact, task vars, loops, arguments and conditions as literal text', async () => {
    const out = join(project.dir, 'out');
    const playbook = project.write(
      'play.yml',
      `- hosts: h1
  gather_facts: false
  tasks:
    - file: { path: "${out}", state: directory }
    - shell: "${PRINT_TEMPLATE}"
      register: printed
    - set_fact: { kept: "{{ printed.stdout }}" }
    - copy: { dest: "${out}/registered", content: "{{ printed.stdout }}" }
    - copy: { dest: "${out}/set-fact", content: "{{ kept }}" }
    - copy: { dest: "${out}/task-var", content: "{{ wrapped }}" }
      vars: { wrapped: "before {{ printed.stdout }} after" }
    - copy: { dest: "${out}/loop-{{ index }}", content: "{{ item }}" }
      loop: "{{ printed.stdout_lines }}"
      loop_control: { index_var: index }
    - shell: "printf '%s' \\"{{ kept }}\\" > ${out}/argument"
    - shell: "${PRINT_TEMPLATE}"
      register: again
    - copy: { dest: "${out}/compared", content: "equal" }
      when: "again.stdout == kept and printed.stdout_lines[0] == kept"
`,
    );
    const inventory = project.write(
      'inventory.yml',
      `all:\n  hosts:\n    h1: { ansible_connection: local }\n    h2: { ansible_connection: local, secret: ${SECRET} }\n`,
    );
    const { results } = await runEngine(playbook, inventory);
    const failures = results.get('h1')!.filter((r) => r.status === 'failed');
    expect(failures).toEqual([]);
    const read = (name: string) => readFileSync(join(out, name), 'utf8');
    expect(read('registered')).toBe(LITERAL);
    expect(read('set-fact')).toBe(LITERAL);
    expect(read('task-var')).toBe(`before ${LITERAL} after`);
    expect(read('loop-0')).toBe(LITERAL);
    expect(read('argument')).toBe(LITERAL);
    // The condition compared the outputs as text: equal.
    expect(read('compared')).toBe('equal');
    for (const name of ['registered', 'set-fact', 'task-var', 'loop-0', 'argument'])
      expect(read(name)).not.toContain(SECRET);
  });

  it('still renders templates that the playbook itself writes, nested through variables', async () => {
    const out = join(project.dir, 'nested');
    const playbook = project.write(
      'nested.yml',
      `- hosts: h1
  gather_facts: false
  vars: { inner: "{{ hostvars.h2.secret }}", outer: "[{{ inner }}]" }
  tasks:
    - file: { path: "${out}", state: directory }
    - copy: { dest: "${out}/value", content: "{{ outer }}" }
`,
    );
    const inventory = project.write(
      'nested-inventory.yml',
      `all:\n  hosts:\n    h1: { ansible_connection: local }\n    h2: { ansible_connection: local, secret: ${SECRET} }\n`,
    );
    await runEngine(playbook, inventory);
    expect(readFileSync(join(out, 'value'), 'utf8')).toBe(`[${SECRET}]`);
  });
});
