import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { problemsOf as loadProblems } from '../helpers/playbook-problems.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let modules: Map<string, ModuleDefinition>;

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

const problemsOf = (file: string) => loadProblems(file, modules);

const play = (tasks: string) => `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-syntax-'));
  modules = await loadModules();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('template syntax at load time', () => {
  it('names the file, line, task and field of a broken argument, condition, assert and block', () => {
    const file = write(
      'broken.yml',
      play(`    - name: say
      debug:
        msg: "{{ foo | }}"
    - name: cond
      debug: msg=hi
      when: x not in ['a', 'b'
    - name: check
      assert:
        that:
          - port | int >
    - block:
        - debug: msg=inside
      when: "{% if %}"
`),
    );
    const problems = problemsOf(file).map((p) => [p.location.line, p.task, p.field]);
    expect(problems).toEqual([
      [6, 'say', 'debug.msg'],
      [9, 'cond', 'when'],
      [12, 'check', 'assert.that'],
      [16, '(unnamed block task)', 'when'],
    ]);
    for (const problem of problemsOf(file)) expect(problem.hint).toContain('docs/templates.md');
  });

  it('reports an unknown filter in a template file with its line, at the task that uses it', () => {
    write('templates/site.j2', 'server {\n{% for u in upstreams %}\n  {{ u | no_such_filter }}\n{% endfor %}\n}\n');
    write('templates/plain.mustache', '{{#broken}} mustache is not Jinja2 {{/other}}\n');
    const file = write(
      'files.yml',
      play(`    - name: site
      template: { src: site.j2, dest: /tmp/site }
    - name: legacy
      template: { src: plain.mustache, dest: /tmp/plain }
`),
    );
    const [problem, ...more] = problemsOf(file);
    expect(more).toEqual([]);
    expect(problem.message).toMatch(/no filter named 'no_such_filter' in template .*templates\/site\.j2:3$/);
    expect([problem.location.line, problem.task, problem.field]).toEqual([5, 'site', 'template.src']);
  });

  it('accepts what Ansible content writes: bare conditions, lists of them, raw blocks, shell ${#var}', () => {
    const file = write(
      'fine.yml',
      play(`    - name: fine
      shell:
        cmd: 'n=\${#HOME}; echo {{ name ~ "-x" }}'
      when:
        - inventory_hostname not in ['h1', 'h2']
        - "{{ flag | default(true) }}"
      changed_when: false
      failed_when: result.rc not in [0, 1]
      register: result
    - debug:
        var: result.stdout_lines | length
    - debug:
        msg: "{% raw %}{{ not a template }}{% endraw %}{# a comment #}"
`),
    );
    expect(problemsOf(file)).toEqual([]);
  });

  it('stops the run before any host is touched', async () => {
    const marker = join(dir, 'ran');
    const inventory = write('inventory.ini', 'h1 ansible_connection=local\n');
    const file = write(
      'run.yml',
      play(`    - command: touch ${marker}
    - debug:
        msg: "{{ foo | }}"
`),
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/run\.yml:6:\d+: template syntax error/);
    expect(existsSync(marker)).toBe(false);
  });
});
