import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_SCRIPT, parseFacts } from '../../src/engine/gather-facts.js';
import { LocalConnection } from '../../src/connection/local.js';
import { createTempProject, runEngine, type EngineRunOptions, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
let dir: string;

const write = (path: string, text: string): string => project.write(path, text);
/** Every playbook here writes under {{ root }}, the test's temporary directory. */
const run = (playbook: string, inventory: string, options: EngineRunOptions = {}) =>
  runEngine(playbook, inventory, { ...options, extraVars: { root: dir, ...options.extraVars } });

beforeAll(() => {
  project = createTempProject('drover-engine-');
  dir = project.dir;
});
afterAll(() => project.remove());

describe('the engine over the local connection', () => {
  it('probes a converged play in one remote exec per host, however many tasks it has', async () => {
    const inventory = write('batch/inventory.ini', '[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\n');
    const tasks = Array.from(
      { length: 12 },
      (_, i) =>
        `    - name: file ${i}\n      copy:\n        dest: "{{ root }}/batch/{{ inventory_hostname }}-${i}.txt"\n        content: "n={{ ${i} }}\\n"\n`,
    ).join('');
    const playbook = write(
      'batch/play.yml',
      `- hosts: web\n  gather_facts: false\n  tasks:\n${tasks.replace(/\{\{ (\d+) \}\}/g, '$1')}`,
    );
    const first = await run(playbook, inventory);
    expect(first.outcome.hosts.get('h1')!.stats.changed).toBe(12);
    // Cold: one exec probes all twelve, then each change carries the probes of the tasks after it.
    expect(first.outcome.hosts.get('h1')!.execCount).toBe(13);
    const second = await run(playbook, inventory);
    for (const name of ['h1', 'h2']) {
      const host = second.outcome.hosts.get(name)!;
      expect(host.stats.changed).toBe(0);
      expect(host.stats.ok).toBe(12);
      expect(host.execCount).toBe(1);
    }
  });

  it('probes the tasks after a change in the same exec, after the change, leaving its output as it was', async () => {
    const inventory = write('fused/inventory.ini', 'z1 ansible_connection=local\n');
    const playbook = write(
      'fused/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "{{ root }}/fused/list.txt", content: "a\\n" }
    - lineinfile: { path: "{{ root }}/fused/list.txt", line: a }
    - command: printf 'no newline'
      register: said
    - copy: { dest: "{{ root }}/fused/other.txt", content: x }
    - copy: { dest: "{{ root }}/fused/said.txt", content: "{{ said.stdout }}|{{ said.stderr }}|{{ said.rc }}" }
`,
    );
    const first = await run(playbook, inventory);
    // The lineinfile probe ran after the copy (in its exec), so it found the line already there.
    expect(first.results.get('z1')!.map((r) => r.status)).toEqual(['changed', 'ok', 'changed', 'changed', 'changed']);
    expect(readFileSync(join(dir, 'fused/list.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(dir, 'fused/said.txt'), 'utf8')).toBe('no newline||0');
    const second = await run(playbook, inventory);
    expect(second.outcome.hosts.get('z1')!.stats).toMatchObject({ changed: 1, ok: 5 }); // only the command
  });

  it('applies all the changes of a task in one exec, and stops the task at the first that fails', async () => {
    const inventory = write('grouped/inventory.ini', 'g1 ansible_connection=local\n');
    const playbook = write(
      'grouped/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - file: { path: "{{ root }}/grouped/ok", state: directory, mode: "0700" }
    - file: { path: "{{ root }}/grouped/bad", state: directory, owner: no-such-user-here, mode: "0700" }
`,
    );
    const { outcome, results } = await run(playbook, inventory);
    const [created, failed] = results.get('g1')!;
    expect(created.changes.map((c) => c.summary)).toEqual([
      `create directory ${dir}/grouped/ok`,
      `set mode of ${dir}/grouped/ok to 0700`,
    ]);
    expect(statSync(join(dir, 'grouped/ok')).mode & 0o777).toBe(0o700);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^set owner of .*\/grouped\/bad to no-such-user-here: exit 1: chown: invalid user/);
    // mkdir ran, chown failed, so chmod never ran.
    expect(statSync(join(dir, 'grouped/bad')).mode & 0o777).not.toBe(0o700);
    // One exec probes both tasks; each task's changes then take one exec.
    expect(outcome.hosts.get('g1')!.execCount).toBe(3);
  });

  it('gathers facts in one more exec and templates can use them', async () => {
    const inventory = write('facts/inventory.yml', 'all:\n  hosts:\n    f1:\n      ansible_connection: local\n');
    const playbook = write(
      'facts/play.yml',
      '- hosts: all\n  tasks:\n    - copy:\n        dest: "{{ root }}/facts.txt"\n        content: "{{ ansible_hostname }} {{ ansible_architecture }}"\n',
    );
    const { outcome } = await run(playbook, inventory);
    const [hostname, arch] = readFileSync(join(dir, 'facts.txt'), 'utf8').split(' ');
    expect(hostname.length).toBeGreaterThan(0);
    expect(arch).toMatch(/x86_64|aarch64|arm/);
    expect(outcome.hosts.get('f1')!.execCount).toBe(3); // facts, probe, the put
  });

  it('applies variable precedence: extra vars > set_fact > task vars > play vars > host vars > group vars > role defaults', async () => {
    write(
      'prec/inventory/group_vars/all.yml',
      'a: group_all\nb: group_all\nc: group_all\nd: group_all\ne: group_all\nf: group_all\n',
    );
    write(
      'prec/inventory/group_vars/web.yml',
      'b: group_web\nc: group_web\nd: group_web\ne: group_web\nf: group_web\n',
    );
    write('prec/inventory/host_vars/p1.yml', 'c: host\nd: host\ne: host\nf: host\n');
    write('prec/inventory/hosts.ini', '[web]\np1 ansible_connection=local\n');
    write('prec/roles/r/defaults/main.yml', 'a: role_default\nz: role_default\n');
    write(
      'prec/roles/r/tasks/main.yml',
      '- copy:\n    dest: "{{ root }}/prec.txt"\n    content: "{{ z }} {{ a }} {{ b }} {{ c }} {{ d }} {{ e }} {{ f }} {{ g }}"\n  vars:\n    e: task\n',
    );
    const playbook = write(
      'prec/play.yml',
      '- hosts: web\n  gather_facts: false\n  vars:\n    d: play\n    e: play\n    f: play\n  pre_tasks:\n    - set_fact:\n        f: set_fact\n        g: set_fact\n  roles:\n    - r\n',
    );
    await run(playbook, join(dir, 'prec/inventory'), { extraVars: { g: 'extra' } });
    expect(readFileSync(join(dir, 'prec.txt'), 'utf8')).toBe(
      'role_default group_all group_web host play task set_fact extra',
    );
  });

  it("applies README's full precedence: role defaults < group vars (all, parent, child) < host vars < facts < play vars < vars_files < role vars < role params < block vars < task vars < registered and set_fact < extra vars", async () => {
    // Each level defines the variable named after it and every variable of the levels above it,
    // so each variable must come out as the name of its own level: the highest that sets it.
    const levels = [
      'role_default',
      'group_all',
      'group_parent',
      'group_child',
      'host',
      'play',
      'vars_files',
      'role_vars',
      'role_params',
      'block',
      'task',
      'set_fact',
      'extra',
    ];
    const varsOf = (level: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        ...Object.fromEntries(levels.slice(levels.indexOf(level)).map((l) => [`v_${l}`, level])),
        ...extra,
      });
    // Facts sit between host vars and play vars; a registered result sits with set_fact.
    const below = (level: string, upTo: string) => levels.indexOf(level) <= levels.indexOf(upTo);
    const extras = (level: string) => ({
      ...(below(level, 'host') ? { ansible_system: level } : {}),
      ...(below(level, 'play') ? { ansible_user_id: level } : {}),
      ...(below(level, 'task') ? { v_registered: { stdout: level } } : {}),
    });
    const file = (level: string) => varsOf(level, extras(level));
    write('fullprec/inventory/hosts.ini', '[child]\nq1 ansible_connection=local\n\n[parent:children]\nchild\n');
    write('fullprec/inventory/group_vars/all.yml', file('group_all'));
    write('fullprec/inventory/group_vars/parent.yml', file('group_parent'));
    write('fullprec/inventory/group_vars/child.yml', file('group_child'));
    write('fullprec/inventory/host_vars/q1.yml', file('host'));
    write('fullprec/roles/r/defaults/main.yml', file('role_default'));
    write('fullprec/roles/r/vars/main.yml', file('role_vars'));
    write('fullprec/vars/common.yml', file('vars_files'));
    const shown = [
      ...levels.map((l) => `{{ v_${l} }}`),
      '{{ ansible_system }}',
      '{{ ansible_user_id }}',
      '{{ v_registered.stdout }}',
    ].join(' ');
    write(
      'fullprec/roles/r/tasks/main.yml',
      `- block:\n    - name: write what the task sees\n      copy:\n        dest: "{{ root }}/fullprec.txt"\n        content: "${shown}"\n      vars: ${file('task')}\n  vars: ${file('block')}\n`,
    );
    const playbook = write(
      'fullprec/play.yml',
      `- hosts: child
  gather_facts: true
  vars: ${file('play')}
  vars_files: [vars/common.yml]
  pre_tasks:
    - set_fact: ${varsOf('set_fact')}
    - name: register
      command: echo registered
      register: v_registered
  roles:
    - { role: r, vars: ${file('role_params')} }
`,
    );
    await run(playbook, join(dir, 'fullprec/inventory'), { extraVars: JSON.parse(varsOf('extra')) });
    const facts = parseFacts((await new LocalConnection('q1').exec(FACTS_SCRIPT)).stdout);
    expect(readFileSync(join(dir, 'fullprec.txt'), 'utf8').split(' ')).toEqual([
      ...levels,
      facts.ansible_system,
      'play',
      'registered',
    ]);
  });

  it('fails a task that uses an undefined variable, naming the variable, task, file and a close match', async () => {
    const inventory = write('undef/inventory.ini', 'u1 ansible_connection=local\n');
    const playbook = write(
      'undef/play.yml',
      '- hosts: all\n  gather_facts: false\n  vars:\n    app_version: "1.2"\n  tasks:\n    - name: use a typo\n      copy:\n        dest: "{{ root }}/x"\n        content: "{{ app_versoin }}"\n',
    );
    const { outcome, results } = await run(playbook, inventory);
    const result = results.get('u1')![0];
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(
      /undefined variable 'app_versoin' \(did you mean 'app_version'\?\) in task 'use a typo' \(.*undef\/play.yml:6:7\)/,
    );
    expect(outcome.hosts.get('u1')!.stats.failed).toBe(1);
  });

  it('runs rescue and always, and counts the failure as rescued', async () => {
    const inventory = write('block/inventory.ini', 'b1 ansible_connection=local\n');
    const playbook = write(
      'block/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - command: /bin/false
        - copy: { dest: "{{ root }}/never.txt", content: x }
      rescue:
        - copy: { dest: "{{ root }}/rescued.txt", content: x }
      always:
        - copy: { dest: "{{ root }}/always.txt", content: x }
    - name: after the block
      copy: { dest: "{{ root }}/after.txt", content: x }
`,
    );
    const { outcome } = await run(playbook, inventory);
    const host = outcome.hosts.get('b1')!;
    expect(host.stats.rescued).toBe(1);
    expect(host.stats.failed).toBe(0);
    expect(host.failed).toBe(false);
    for (const file of ['rescued.txt', 'always.txt', 'after.txt'])
      expect(readFileSync(join(dir, file), 'utf8')).toBe('x');
    expect(() => readFileSync(join(dir, 'never.txt'))).toThrow();
  });

  it('keeps going on other hosts when one fails, and stops the failed one', async () => {
    const inventory = write('fail/inventory.ini', 'ok1 ansible_connection=local\nbad1 ansible_connection=local\n');
    const playbook = write(
      'fail/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - command: /bin/false
      when: inventory_hostname == 'bad1'
    - copy: { dest: "{{ root }}/fail-{{ inventory_hostname }}.txt", content: x }
`,
    );
    const { outcome } = await run(playbook, inventory);
    expect(outcome.hosts.get('bad1')!.stats.failed).toBe(1);
    expect(readFileSync(join(dir, 'fail-ok1.txt'), 'utf8')).toBe('x');
    expect(() => readFileSync(join(dir, 'fail-bad1.txt'))).toThrow();
  });

  it('retries until a condition holds, with register, until and failed_when', async () => {
    const inventory = write('retry/inventory.ini', 'r1 ansible_connection=local\n');
    const counter = join(dir, 'counter');
    const playbook = write(
      'retry/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - shell: echo x >> ${counter}; wc -l < ${counter}
      register: count
      until: count.stdout | int >= 3
      retries: 5
      delay: 0
    - command: echo fine
      register: out
      failed_when: "'fine' not in out.stdout"
`,
    );
    const { outcome } = await run(playbook, inventory);
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(outcome.hosts.get('r1')!.stats.failed).toBe(0);
  });

  it('in drift mode runs nothing but probes, even for check_mode: false tasks', async () => {
    const inventory = write('drift/inventory.ini', 'd1 ansible_connection=local\n');
    const marker = join(dir, 'drift-ran');
    const playbook = write(
      'drift/play.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n      check_mode: false\n`,
    );
    const { results } = await run(playbook, inventory, { drift: true });
    expect(() => readFileSync(marker)).toThrow();
    expect(results.get('d1')![0].status).toBe('unknown');
    await run(playbook, inventory, { check: true });
    expect(readFileSync(marker, 'utf8')).toBe('');
  });

  it('warns when a play matches no hosts', async () => {
    const inventory = write('empty/inventory.ini', 'e1 ansible_connection=local\n');
    const playbook = write('empty/play.yml', '- hosts: nosuchgroup\n  tasks:\n    - debug: msg=x\n');
    const { warnings } = await run(playbook, inventory);
    expect(warnings[0]).toMatch(/no hosts matched 'nosuchgroup'/);
  });
});

describe('no_log', () => {
  it('hides the arguments and results of a task, keeping its status', async () => {
    const inventory = write('nolog/inventory.ini', 'n1 ansible_connection=local\n');
    const playbook = write(
      'nolog/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "{{ root }}/nolog-{{ item }}.txt", content: "token=SeCrEt-{{ item }}" }
      loop: [a, b]
      no_log: true
    - command: sh -c 'echo SeCrEt-c >&2; exit 3'
      no_log: true
      ignore_errors: true
`,
    );
    const { results } = await run(playbook, inventory);
    const text = JSON.stringify(results.get('n1'));
    expect(text).not.toContain('SeCrEt');
    expect(text).not.toContain('nolog-a');
    expect(results.get('n1')!.map((r) => r.status)).toEqual(['changed', 'failed']);
  });
});

describe('a waiting probe', () => {
  it('is not run ahead of the tasks before it', async () => {
    const inventory = write('wait/inventory.ini', 'w1 ansible_connection=local\n');
    const flag = join(dir, 'wait-flag');
    const playbook = write(
      'wait/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "${flag}", content: ready }
    - wait_for: { path: "${flag}", timeout: 2 }
`,
    );
    const { outcome, verbose } = await run(playbook, inventory);
    expect(outcome.hosts.get('w1')!.stats.failed).toBe(0);
    // The copy's probe went alone; the wait ran by itself after the file was written.
    expect(verbose.filter((line) => line.includes('probing'))).toEqual([
      '2 w1 probing 1 task invocation(s) in one exec',
      '2 w1 probing 1 task invocation(s) in one exec',
    ]);
  });
});

describe('batched probes and become', () => {
  it("sends a task's probe as its own become user, set in its vars, not with the tasks before it", async () => {
    const inventory = write('probe-user/inventory.ini', 'u1 ansible_connection=local\n');
    // Only root can look inside: a probe sent as nobody cannot see the file that is already right.
    const hidden = join(dir, 'probe-user', 'root-only');
    mkdirSync(hidden, { mode: 0o700 });
    writeFileSync(join(hidden, 'f.txt'), 'same\n');
    chmodSync(dir, 0o755);
    const playbook = write(
      'probe-user/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: "{{ root }}/probe-user/a.txt", content: "a\\n" }
    - name: as nobody
      vars: { ansible_become: true, ansible_become_user: nobody }
      ignore_errors: true
      copy: { dest: "${hidden}/f.txt", content: "same\\n" }
    - name: as root again
      copy: { dest: "${hidden}/f.txt", content: "same\\n" }
`,
    );
    const { results, verbose } = await run(playbook, inventory, { check: true });
    const [first, asNobody, asRoot] = results.get('u1')!;
    expect(first.status).toBe('changed');
    // Sent with the first task's probe (as root), it would have found the file as wanted: ok.
    expect(asNobody.status).toBe('failed');
    expect(asNobody.error).toBe(
      `permission denied: this task's user cannot look inside ${hidden}, so what is there is unknown. Run the task as a user who can (become: true, or another become_user)`,
    );
    expect(asRoot.status).toBe('ok');
    expect(verbose.filter((line) => line.includes('probing'))).toEqual([
      '2 u1 probing 1 task invocation(s) in one exec',
      '2 u1 probing 1 task invocation(s) in one exec',
      '2 u1 probing 1 task invocation(s) in one exec',
    ]);
  });
});
