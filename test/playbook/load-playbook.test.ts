import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { PlaybookError } from '../../src/playbook/errors.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { problemsOf as loadProblems } from '../helpers/playbook-problems.js';
import type { TaskNode } from '../../src/tree/types.js';

let dir: string;
let modules: Map<string, ModuleDefinition>;

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

function problemsOf(file: string): PlaybookError['problems'] {
  const problems = loadProblems(file, modules);
  if (problems.length === 0) throw new Error('expected the playbook not to validate');
  return problems;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-load-'));
  modules = await loadModules();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadPlaybook', () => {
  it('reads plays, roles with defaults, handlers and blocks', () => {
    write('roles/base/defaults/main.yml', 'greeting: hello\n');
    write('roles/base/tasks/main.yml', '- name: greet\n  debug:\n    msg: "{{ greeting }}"\n  notify: done\n');
    write('roles/base/handlers/main.yml', '- name: done\n  debug: msg=finished\n');
    write('roles/base/meta/main.yml', 'dependencies:\n  - dep\n');
    write('roles/dep/tasks/main.yml', '- name: dependency first\n  debug: msg=dep\n');
    const file = write(
      'ok.yml',
      `- hosts: web
  become: yes
  roles:
    - base
    - role: base
  tasks:
    - block:
        - name: inner
          debug: msg=x
      rescue:
        - name: recover
          debug: msg=y
      when: enabled
      tags: [deploy]
`,
    );
    const playbook = loadPlaybook(file, modules);
    const play = playbook.plays[0];
    expect(play.hosts).toBe('web');
    expect(play.become).toBe(true);
    const roleTasks = play.sections[1].filter((n): n is TaskNode => n.kind === 'task');
    // The dependency comes first, and a role listed twice with the same parameters runs once.
    expect(roleTasks.map((t) => t.name)).toEqual(['dependency first', 'greet']);
    expect(roleTasks[1].role?.defaults).toEqual({ greeting: 'hello' });
    expect(play.handlers.map((h) => h.name)).toEqual(['done']);
    const block = play.sections[1].find((n) => n.kind === 'block');
    expect(block?.kind === 'block' && (block.block[0] as TaskNode).when).toEqual(['enabled']);
    expect(block?.kind === 'block' && (block.rescue[0] as TaskNode).tags).toEqual(['deploy']);
  });

  it('accepts the key=value form and ansible.builtin prefixes', () => {
    const file = write('compat.yml', '- hosts: all\n  tasks:\n    - ansible.builtin.debug: msg="hello world"\n');
    const task = loadPlaybook(file, modules).plays[0].sections[1][0] as TaskNode;
    expect(task.module).toBe('debug');
    expect(task.args).toEqual({ msg: 'hello world' });
  });

  it('shows a YAML syntax error with file, line, column and a code frame', () => {
    const file = write('bad-yaml.yml', '- hosts: all\n  tasks:\n    - debug: {msg: x\n');
    const [problem] = problemsOf(file);
    expect(problem.location.file).toBe(file);
    expect(problem.location.line).toBeGreaterThanOrEqual(3);
    expect(new PlaybookError([problem]).message).toMatch(/> +\d \|/);
  });

  it('shows an unclosed quote or brace where it opens, and says where the parser stopped', () => {
    const quote = write(
      'quote.yml',
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: a\n      debug:\n        msg: "unclosed\n    - debug: msg=b\n',
    );
    const [problem] = problemsOf(quote);
    expect([problem.location.line, problem.location.column]).toEqual([6, 14]);
    expect(problem.message).toMatch(
      /closing "quote: the string that starts here is never closed \(the parser read on to line 8, column 1\)/,
    );
    expect(problem.hint).toBe('close the quote where the string ends');
    const brace = write('brace.yml', "- hosts: all\n  tasks:\n    - debug: {msg: 'x'\n    - debug: msg=y\n");
    const [open] = problemsOf(brace);
    expect([open.location.line, open.location.column]).toEqual([3, 14]);
    expect(open.message).toMatch(/the braces that open here are never closed/);
    // A string that is closed, with escaped quotes inside, is not blamed.
    const fine = write(
      'escaped.yml',
      '- hosts: all\n  tasks:\n    - debug: {msg: "say \\"hi\\""}\n    - debug: {msg: x\n',
    );
    expect(problemsOf(fine)[0].message).not.toMatch(/string that starts here/);
  });

  it('suggests the closest module for an unknown one, naming task, line and field', () => {
    const file = write('typo.yml', '- hosts: all\n  tasks:\n    - name: say it\n      debgu:\n        msg: hi\n');
    const [problem] = problemsOf(file);
    expect(problem.message).toMatch(/unknown module or keyword 'debgu'/);
    expect(problem.hint).toMatch(/did you mean 'debug'/);
    expect(problem.task).toBe('say it');
    expect(problem.location.line).toBe(4);
  });

  it('suggests the module the arguments fit, counting a swap of two letters as one edit', () => {
    const file = write(
      'swap.yml',
      '- hosts: all\n  tasks:\n    - name: make dir\n      fiel: {path: /tmp/x, state: directory}\n    - name: stop\n      fial: {msg: no}\n    - name: run\n      shel: echo hi\n',
    );
    expect(problemsOf(file).map((p) => [p.location.line, p.hint])).toEqual([
      [4, "did you mean 'file'?"],
      [6, "did you mean 'fail'?"],
      [8, "did you mean 'shell'?"],
    ]);
  });

  it('names an invalid module argument with its field and line', () => {
    const file = write('badarg.yml', '- hosts: all\n  tasks:\n    - name: stop\n      fail:\n        mgs: oops\n');
    const [problem] = problemsOf(file);
    expect(problem.field).toBe('fail.mgs');
    expect(problem.hint).toMatch(/did you mean 'msg'/);
    expect(problem.location.line).toBe(5);
  });

  it('does not type-check a templated argument before it is rendered', () => {
    const file = write('templated.yml', '- hosts: all\n  tasks:\n    - debug:\n        verbosity: "{{ level }}"\n');
    expect(() => loadPlaybook(file, modules)).not.toThrow();
  });

  it('suggests play keywords and reports a notify without handler', () => {
    const file = write(
      'play-typo.yml',
      '- hosts: all\n  taks:\n    - debug: msg=x\n- hosts: all\n  tasks:\n    - debug: msg=x\n      notify: restart nginx\n  handlers:\n    - name: restart ngnix\n      debug: msg=y\n',
    );
    const problems = problemsOf(file);
    expect(problems[0].hint).toMatch(/did you mean 'tasks'/);
    expect(problems[1].message).toMatch(/notify names no handler: 'restart nginx'/);
    expect(problems[1].hint).toMatch(/restart ngnix/);
  });

  it('names Ansible keywords drover does not support instead of ignoring them', () => {
    const file = write('unsupported.yml', '- hosts: all\n  tasks:\n    - debug: msg=x\n      delegate_to: localhost\n');
    expect(problemsOf(file)[0].message).toMatch(/'delegate_to' is an Ansible keyword drover does not support/);
  });

  it('imports tasks and playbooks statically', () => {
    write('inc/more.yml', '- name: included\n  debug: msg=z\n');
    write('other.yml', '- hosts: db\n  tasks:\n    - import_tasks: inc/more.yml\n');
    const file = write(
      'main.yml',
      '- import_playbook: other.yml\n- hosts: web\n  tasks:\n    - include_tasks: inc/more.yml\n      when: go\n',
    );
    const plays = loadPlaybook(file, modules).plays;
    expect(plays.map((p) => p.hosts)).toEqual(['db', 'web']);
    const included = plays[1].sections[1][0] as TaskNode;
    expect(included.name).toBe('included');
    expect(included.when).toEqual(['go']);
  });
});

describe('YAML as Ansible reads it', () => {
  it('reads yes/no as booleans and keeps octal modes as written', async () => {
    const { parseYamlText } = await import('../../src/playbook/source.js');
    expect(parseYamlText('x.yml', 'become: yes\nmode: 0644\nport: 8080\n').value).toEqual({
      become: true,
      mode: '0644',
      port: 8080,
    });
  });

  it('keeps y and n as strings, as PyYAML does', async () => {
    const { parseYamlText } = await import('../../src/playbook/source.js');
    expect(parseYamlText('x.yml', 'loop: [x, y, n, Y, N]\nflags: [on, Off]\n').value).toEqual({
      loop: ['x', 'y', 'n', 'Y', 'N'],
      flags: [true, false],
    });
  });
});
