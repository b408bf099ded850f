import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const run = (name: string, playbook: string, inventory: string, options: { forceHandlers?: boolean } = {}) =>
  runEngine(project.write(`${name}/play.yml`, playbook), project.write(`${name}/inventory.ini`, inventory), {
    ...options,
    extraVars: { out: join(project.dir, name) },
  });
const lines = (name: string, file: string): string[] =>
  existsSync(join(project.dir, name, file))
    ? readFileSync(join(project.dir, name, file), 'utf8')
        .trim()
        .split('\n')
    : [];
const LOCAL_HOSTS = (...names: string[]) => names.map((name) => `${name} ansible_connection=local\n`).join('');

beforeAll(() => {
  project = createTempProject('drover-failures-');
});
afterAll(() => project.remove());

describe('max_fail_percentage and serial', () => {
  it('aborts the play when a batch goes over the limit: later batches and plays do not run', async () => {
    const { outcome, warnings } = await run(
      'mfp0',
      `- hosts: all
  gather_facts: false
  serial: 1
  max_fail_percentage: 0
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/ran.log
    - fail: msg=broken
      when: inventory_hostname == 'h1'
- hosts: all
  gather_facts: false
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/second-play.log
`,
      LOCAL_HOSTS('h1', 'h2', 'h3'),
    );
    expect(lines('mfp0', 'ran.log')).toEqual(['h1']);
    expect(lines('mfp0', 'second-play.log')).toEqual([]);
    expect(outcome.hosts.get('h1')!.stats.failed).toBe(1);
    expect(outcome.order).toEqual(['h1']); // the recap lists only the host that ran
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /1 of 1 hosts failed, above max_fail_percentage 0: the play is aborted \(not run: 2 later serial batches, 1 later play\)/,
    );
  });

  it('goes on when the failures reach the limit without exceeding it', async () => {
    const { warnings } = await run(
      'mfp50',
      `- hosts: all
  gather_facts: false
  serial: 2
  max_fail_percentage: 50
  tasks:
    - fail: msg=broken
      when: inventory_hostname == 'h1'
    - shell: echo {{ inventory_hostname }} >> {{ out }}/ran.log
`,
      LOCAL_HOSTS('h1', 'h2', 'h3'),
    );
    expect(lines('mfp50', 'ran.log')).toEqual(['h2', 'h3']);
    expect(warnings).toEqual([]);
  });

  it('stops before the next task, not at the end of the batch', async () => {
    await run(
      'mfp-task',
      `- hosts: all
  gather_facts: false
  max_fail_percentage: 40
  tasks:
    - fail: msg=broken
      when: inventory_hostname != 'h3'
    - shell: echo {{ inventory_hostname }} >> {{ out }}/ran.log
`,
      LOCAL_HOSTS('h1', 'h2', 'h3'),
    );
    // 2 of 3 failed (67% > 40%): h3 does not go on alone.
    expect(lines('mfp-task', 'ran.log')).toEqual([]);
  });

  it('ends the run when every host of a serial batch fails, even without max_fail_percentage', async () => {
    const { warnings } = await run(
      'batch-down',
      `- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - fail: msg=broken
      when: inventory_hostname in ['h1', 'h2']
    - shell: echo {{ inventory_hostname }} >> {{ out }}/ran.log
- hosts: all
  gather_facts: false
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/second-play.log
`,
      LOCAL_HOSTS('h1', 'h2', 'h3', 'h4'),
    );
    expect(lines('batch-down', 'ran.log')).toEqual([]);
    expect(lines('batch-down', 'second-play.log')).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /every host of the batch failed or is unreachable: the play is aborted \(not run: 1 later serial batch, 1 later play\)/,
      ),
    ]);
  });

  it('runs the next batch when only some hosts of a batch fail', async () => {
    await run(
      'batch-partial',
      `- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - fail: msg=broken
      when: inventory_hostname == 'h1'
    - shell: echo {{ inventory_hostname }} >> {{ out }}/ran.log
`,
      LOCAL_HOSTS('h1', 'h2', 'h3', 'h4'),
    );
    expect(lines('batch-partial', 'ran.log').sort()).toEqual(['h2', 'h3', 'h4']);
  });
});

describe('any_errors_fatal', () => {
  const playbook = `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/notify.log
      notify: record
    - shell: echo {{ inventory_hostname }} >> {{ out }}/fatal-task.log; test {{ inventory_hostname }} != h2
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
  handlers:
    - name: record
      shell: echo {{ inventory_hostname }} >> {{ out }}/handler.log
- hosts: all
  gather_facts: false
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/second-play.log
`;

  it('finishes the failing task on every host, then ends the play and the run', async () => {
    const { outcome, warnings } = await run('fatal', playbook, LOCAL_HOSTS('h1', 'h2', 'h3'));
    expect(lines('fatal', 'fatal-task.log').sort()).toEqual(['h1', 'h2', 'h3']);
    expect(lines('fatal', 'after.log')).toEqual([]);
    expect(lines('fatal', 'second-play.log')).toEqual([]);
    // The other hosts count as failed: their notified handlers do not run.
    expect(lines('fatal', 'handler.log')).toEqual([]);
    expect(outcome.hosts.get('h2')!.stats.failed).toBe(1);
    expect(outcome.hosts.get('h1')!.stats.failed).toBe(0);
    expect(warnings).toEqual([
      expect.stringMatching(/h2 failed and any_errors_fatal is set: the play is aborted \(not run: 1 later play\)/),
    ]);
  });

  it('still runs the notified handlers with --force-handlers', async () => {
    await run('fatal-forced', playbook, LOCAL_HOSTS('h1', 'h2', 'h3'), { forceHandlers: true });
    expect(lines('fatal-forced', 'handler.log').sort()).toEqual(['h1', 'h2', 'h3']);
    expect(lines('fatal-forced', 'after.log')).toEqual([]);
  });

  it('counts a handler that fails', async () => {
    await run(
      'fatal-handler',
      `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  pre_tasks:
    - shell: echo {{ inventory_hostname }}
      notify: break h1
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/tasks.log
  handlers:
    - name: break h1
      fail: msg=broken
      when: inventory_hostname == 'h1'
`,
      LOCAL_HOSTS('h1', 'h2'),
    );
    expect(lines('fatal-handler', 'tasks.log')).toEqual([]);
  });

  it("ends the play at a failing task inside a block without rescue: no host takes the block's next task", async () => {
    await run(
      'fatal-in-block',
      `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - shell: echo {{ inventory_hostname }} >> {{ out }}/first.log; test {{ inventory_hostname }} != h1
        - shell: echo {{ inventory_hostname }} >> {{ out }}/second.log
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
`,
      LOCAL_HOSTS('h1', 'h2', 'h3'),
    );
    expect(lines('fatal-in-block', 'first.log').sort()).toEqual(['h1', 'h2', 'h3']);
    expect(lines('fatal-in-block', 'second.log')).toEqual([]);
    expect(lines('fatal-in-block', 'after.log')).toEqual([]);
  });

  it('does not end the play for a failure that a rescue handled', async () => {
    await run(
      'fatal-rescued',
      `- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - fail: msg=broken
          when: inventory_hostname == 'h1'
      rescue:
        - shell: echo {{ inventory_hostname }} >> {{ out }}/rescued.log
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
`,
      LOCAL_HOSTS('h1', 'h2'),
    );
    expect(lines('fatal-rescued', 'rescued.log')).toEqual(['h1']);
    expect(lines('fatal-rescued', 'after.log').sort()).toEqual(['h1', 'h2']);
  });
});

describe('meta: clear_host_errors', () => {
  it('lets a host that failed take part in the next play, keeping its failure in the recap', async () => {
    const { outcome } = await run(
      'clear',
      `- hosts: all
  gather_facts: false
  tasks:
    - fail: msg=broken
      when: inventory_hostname == 'c1'
    - shell: echo {{ inventory_hostname }} >> {{ out }}/first-play.log
    - meta: clear_host_errors
- hosts: all
  gather_facts: false
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/second-play.log
`,
      LOCAL_HOSTS('c1', 'c2'),
    );
    // As in Ansible, a host that failed outside a block is done with that play.
    expect(lines('clear', 'first-play.log')).toEqual(['c2']);
    expect(lines('clear', 'second-play.log').sort()).toEqual(['c1', 'c2']);
    expect(outcome.hosts.get('c1')!.stats.failed).toBe(1);
  });

  it('in an always section, lets the host that failed in the block go on with the play', async () => {
    await run(
      'clear-always',
      `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - fail: msg=broken
          when: inventory_hostname == 'c1'
      always:
        - meta: clear_host_errors
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
`,
      LOCAL_HOSTS('c1', 'c2'),
    );
    expect(lines('clear-always', 'after.log').sort()).toEqual(['c1', 'c2']);
  });

  it('without it, the failed host stays out of the later plays', async () => {
    await run(
      'no-clear',
      `- hosts: all
  gather_facts: false
  tasks:
    - fail: msg=broken
      when: inventory_hostname == 'c1'
- hosts: all
  gather_facts: false
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/second-play.log
`,
      LOCAL_HOSTS('c1', 'c2'),
    );
    expect(lines('no-clear', 'second-play.log')).toEqual(['c2']);
  });
});
