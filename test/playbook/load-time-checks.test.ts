import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/run-cli.js';

let dir: string;
let inventory: string;
let count = 0;

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** A playbook whose first task leaves a marker file, so a test can tell whether anything ran. */
function playbook(name: string, body: string): { file: string; marker: string } {
  const marker = join(dir, 'out', `${name}-${++count}`);
  const file = write(
    `${name}.yml`,
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n${body}`,
  );
  return { file, marker };
}

/** Exit 4, the problem at FILE:LINE:COL with its field and a fix, no stack trace, and nothing ran. */
function expectRejected(result: CliResult, marker: string, where: string, message: string, field?: string): void {
  expect(result.code, result.stdout + result.stderr).toBe(4);
  expect(result.stderr).toContain('ERROR: the playbook does not validate');
  expect(result.stderr).toContain(`${where}: ${message}`);
  if (field) expect(result.stderr).toContain(`  field: ${field}\n`);
  expect(result.stderr).toMatch(/\n {2}fix: \S/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).not.toContain('TASK [');
  expect(existsSync(marker)).toBe(false);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-load-time-'));
  mkdirSync(join(dir, 'out'));
  inventory = write('hosts.ini', 'h1 ansible_connection=local\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keyword types are checked when the playbook is loaded', () => {
  it('loop: 5 is not a list', async () => {
    const { file, marker } = playbook(
      'loop-number',
      '    - name: each\n      debug: msg="{{ item }}"\n      loop: 5\n',
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${file}:7:7`,
      'loop must be a list or a template that gives one, but it is the number 5',
      'loop',
    );
    expect(result.stderr).toContain('  task: each\n');
  });

  it('when: {a: 1} is not a condition', async () => {
    const { file, marker } = playbook('when-map', '    - name: guarded\n      debug: msg=x\n      when: {a: 1}\n');
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${file}:7:7`,
      'when must be a condition (an expression string or a boolean) or a list of them, but it is a map',
      'when',
    );
    expect(result.stderr).toContain('  task: guarded\n');
  });

  it('an unquoted {{ x }} condition is a map too, and the fix says to quote it', async () => {
    const { file, marker } = playbook(
      'when-unquoted',
      '    - name: guarded\n      debug: msg=x\n      when: [ok, {{ x }}]\n',
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${file}:7:18`,
      'when must be a condition (an expression string or a boolean) or a list of them, but item 2 of the list is a map',
      'when',
    );
    expect(result.stderr).toContain('quote it, when: "{{ x }}"');
  });

  it('with_items, changed_when, failed_when, until, retries, delay, register, notify and tags', async () => {
    const { file, marker } = playbook(
      'many',
      [
        '    - name: bare',
        '      debug: msg=x',
        '      with_items: packages',
        '    - name: conditions',
        '      command: "true"',
        '      changed_when: {rc: 0}',
        '      failed_when: [[false]]',
        '      until: {{ done }}',
        '      retries: 2.5',
        '      delay: soon',
        '    - name: names',
        '      command: "true"',
        '      register: my-result',
        '      notify: {handler: x}',
        '      tags: [web, {a: 1}]',
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${file}:7:7`,
      "with_items must be a list or a template that gives one, but it is the plain string 'packages'",
      'with_items',
    );
    expect(result.stderr).toContain('a bare name is not a variable: write with_items: "{{ packages }}"');
    expect(result.stderr).toContain(`${file}:10:7: changed_when must be a condition`);
    expect(result.stderr).toContain(
      `${file}:11:21: failed_when must be a condition (an expression string or a boolean) or a list of them, but item 1 of the list is a list`,
    );
    expect(result.stderr).toContain(`${file}:12:7: until must be a condition`);
    expect(result.stderr).toContain(
      `${file}:13:7: retries must be a whole number, 0 or more, but it is the number 2.5`,
    );
    expect(result.stderr).toContain(
      `${file}:14:7: delay must be a whole number, 0 or more, but it is the plain string 'soon'`,
    );
    expect(result.stderr).toContain(`${file}:17:7: register name 'my-result' is not a valid variable name`);
    expect(result.stderr).toContain(`${file}:18:7: notify must be a string or a list of strings, but it is a map`);
    expect(result.stderr).toContain(
      `${file}:19:19: tags must be a string or a list of strings, but item 2 of the list is a map`,
    );
    for (const field of ['changed_when', 'failed_when', 'until', 'retries', 'delay', 'register', 'notify', 'tags'])
      expect(result.stderr).toContain(`  field: ${field}\n`);
  });

  it('a loop on include_tasks, a when on a block and on a role entry are checked too', async () => {
    write('included.yml', '- debug: msg=x\n');
    write('roles/plain/tasks/main.yml', '- debug: msg=plain\n');
    const marker = join(dir, 'out', 'containers');
    const file = write(
      'containers.yml',
      `- hosts: all\n  gather_facts: false\n  pre_tasks:\n    - command: touch ${marker}\n  roles:\n    - role: plain\n      when: {x: 1}\n  tasks:\n    - include_tasks: included.yml\n      loop: true\n    - block:\n        - debug: msg=x\n      when: {y: 2}\n`,
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${file}:10:7`,
      'loop must be a list or a template that gives one, but it is the boolean true',
      'loop',
    );
    expect(result.stderr).toContain(`${file}:7:7: when must be a condition`);
    expect(result.stderr).toContain('  task: role plain\n');
    expect(result.stderr).toContain(`${file}:13:7: when must be a condition`);
  });

  it('templated values are left to be checked once rendered, and the playbook runs', async () => {
    const marker = join(dir, 'out', 'templated');
    const file = write(
      'templated.yml',
      [
        '- hosts: all',
        '  gather_facts: false',
        '  vars:',
        '    names: [a, b]',
        '    enabled: true',
        '  tasks:',
        `    - command: touch ${marker}`,
        '    - debug: msg="{{ item }}"',
        '      loop: "{{ names }}"',
        '      when: "{{ enabled }}"',
        '    - debug: msg="{{ item }}"',
        '      with_items: "{{ names }}"',
        '      changed_when: false',
        '      failed_when: [false, "enabled == false"]',
        '      tags: web, db',
        '      notify: [done]',
        '  handlers:',
        '    - name: done',
        '      debug: msg=done',
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });
});

describe('a literal controller file must exist when the playbook is loaded', () => {
  it('copy src that is nowhere, with every place looked in', async () => {
    const { file, marker } = playbook(
      'copy-missing',
      '    - name: ship it\n      copy:\n        src: app.conf\n        dest: /tmp/app.conf\n',
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${file}:7:9`,
      `local file not found: app.conf (looked in ${join(dir, 'files', 'app.conf')}, ${join(dir, 'app.conf')})`,
      'copy.src',
    );
    expect(result.stderr).toContain('  task: ship it\n');
  });

  it('template src of a role: looked up in the role first, then beside the playbook', async () => {
    write(
      'roles/web/tasks/main.yml',
      '- name: site\n  template:\n    src: site.conf.mustache\n    dest: /tmp/site.conf\n',
    );
    const marker = join(dir, 'out', 'role-template');
    const file = write(
      'role-template.yml',
      `- hosts: all\n  gather_facts: false\n  pre_tasks:\n    - command: touch ${marker}\n  roles:\n    - web\n`,
    );
    const result = await runCli(['run', file, '-i', inventory]);
    const role = join(dir, 'roles', 'web');
    const looked = [
      join(role, 'templates', 'site.conf.mustache'),
      join(role, 'site.conf.mustache'),
      join(role, 'tasks', 'templates', 'site.conf.mustache'),
      join(role, 'tasks', 'site.conf.mustache'),
      join(dir, 'templates', 'site.conf.mustache'),
      join(dir, 'site.conf.mustache'),
    ];
    expectRejected(
      result,
      marker,
      `${join(role, 'tasks', 'main.yml')}:3:5`,
      `local file not found: site.conf.mustache (looked in ${looked.join(', ')})`,
      'template.src',
    );
    expect(result.stderr).toContain(`fix: put it in ${role}/templates/`);
  });

  it('a file that exists where prepare() looks is accepted: role files/, the playbook directory; a templated src is left alone', async () => {
    write('roles/shipper/files/motd', 'hello\n');
    write(
      'roles/shipper/tasks/main.yml',
      `- copy: { src: motd, dest: ${join(dir, 'out', 'motd')} }\n- copy: { src: "{{ name }}.txt", dest: /tmp/never }\n  when: false\n`,
    );
    write('templates/page.mustache', 'page {{ inventory_hostname }}\n');
    const file = write(
      'files-found.yml',
      `- hosts: all\n  gather_facts: false\n  roles:\n    - shipper\n  tasks:\n    - template: { src: page.mustache, dest: ${join(dir, 'out', 'page')} }\n`,
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(existsSync(join(dir, 'out', 'motd'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'page'))).toBe(true);
  });
});

describe('circular role dependencies', () => {
  it('a -> b -> a names the loop and the dependency that closes it', async () => {
    write('roles/loop_a/meta/main.yml', 'dependencies:\n  - loop_b\n');
    write('roles/loop_a/tasks/main.yml', '- debug: msg=a\n');
    write('roles/loop_b/meta/main.yml', 'dependencies:\n  - role: shared\n  - loop_a\n');
    write('roles/loop_b/tasks/main.yml', '- debug: msg=b\n');
    write('roles/shared/tasks/main.yml', '- debug: msg=shared\n');
    const marker = join(dir, 'out', 'role-loop');
    const file = write(
      'role-loop.yml',
      `- hosts: all\n  gather_facts: false\n  pre_tasks:\n    - command: touch ${marker}\n  roles:\n    - loop_a\n`,
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${join(dir, 'roles', 'loop_b', 'meta', 'main.yml')}:3:5`,
      'role dependency loop: loop_a -> loop_b -> loop_a',
      'dependencies',
    );
    expect(result.stderr).toContain('  task: role loop_b\n');
  });

  it('a role that depends on itself', async () => {
    write('roles/selfish/meta/main.yml', 'dependencies: [selfish]\n');
    write('roles/selfish/tasks/main.yml', '- debug: msg=me\n');
    const marker = join(dir, 'out', 'self-loop');
    const file = write(
      'self-loop.yml',
      `- hosts: all\n  gather_facts: false\n  pre_tasks:\n    - command: touch ${marker}\n  roles: [selfish]\n`,
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(
      result,
      marker,
      `${join(dir, 'roles', 'selfish', 'meta', 'main.yml')}:1:16`,
      'role dependency loop: selfish -> selfish',
      'dependencies',
    );
    expect(result.stderr).toContain("a role cannot depend on itself: remove 'selfish' from its own dependencies");
  });

  it('two roles that both depend on a common one are no loop: the common role runs once', async () => {
    write('roles/common/tasks/main.yml', '- name: common task\n  debug: msg=common\n');
    write('roles/front/meta/main.yml', 'dependencies: [common]\n');
    write('roles/front/tasks/main.yml', '- name: front task\n  debug: msg=front\n');
    write('roles/back/meta/main.yml', 'dependencies:\n  - role: common\n');
    write('roles/back/tasks/main.yml', '- name: back task\n  debug: msg=back\n');
    const file = write('diamond.yml', '- hosts: all\n  gather_facts: false\n  roles: [front, back]\n');
    const result = await runCli(['run', file, '-i', inventory]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.match(/TASK \[common task\]/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/h1\s+: ok=3\s/);
  });
});

describe('duplicate keys in a playbook', () => {
  it('name the key and both lines', async () => {
    const { file, marker } = playbook(
      'duplicate-key',
      '    - name: twice\n      debug: msg=x\n      vars:\n        port: 80\n        port: 8080\n',
    );
    const result = await runCli(['run', file, '-i', inventory]);
    expectRejected(result, marker, `${file}:9:9`, "duplicate key 'port' under 'vars': it is also at line 8");
  });
});
