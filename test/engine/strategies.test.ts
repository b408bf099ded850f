import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;

beforeAll(() => {
  project = createTempProject('drover-strategy-');
});
afterAll(() => project.remove());

/** Two tasks per host; s1 takes its time on the first task, so a host that does not wait for it logs step 2 first. */
async function runSteps(strategy: 'linear' | 'free'): Promise<string[]> {
  const out = join(project.dir, strategy);
  const playbook = project.write(
    `${strategy}/play.yml`,
    `- hosts: all
  gather_facts: false
  strategy: ${strategy}
  tasks:
    - shell: sleep {{ pause }}; echo '1 {{ inventory_hostname }}' >> {{ out }}/steps.log
    - shell: echo '2 {{ inventory_hostname }}' >> {{ out }}/steps.log
`,
  );
  const inventory = project.write(
    `${strategy}/inventory.ini`,
    's1 ansible_connection=local pause=0.6\ns2 ansible_connection=local pause=0\ns3 ansible_connection=local pause=0\n',
  );
  const { outcome } = await runEngine(playbook, inventory, { extraVars: { out } });
  for (const host of ['s1', 's2', 's3']) expect(outcome.hosts.get(host)!.stats.changed).toBe(2);
  return readFileSync(join(out, 'steps.log'), 'utf8').trim().split('\n');
}

describe('strategy', () => {
  it('linear: every host finishes a task before any host starts the next', async () => {
    const steps = await runSteps('linear');
    expect(steps).toHaveLength(6);
    expect(steps.slice(0, 3).every((line) => line.startsWith('1 '))).toBe(true);
    expect(steps.slice(3).every((line) => line.startsWith('2 '))).toBe(true);
    expect(steps[2]).toBe('1 s1'); // the slow host, waited for
  });

  it('free: a slow host does not hold back the others', async () => {
    const steps = await runSteps('free');
    expect(steps).toHaveLength(6);
    expect(steps.indexOf('2 s2')).toBeLessThan(steps.indexOf('1 s1'));
    expect(steps.indexOf('2 s3')).toBeLessThan(steps.indexOf('1 s1'));
    expect(steps.at(-1)).toBe('2 s1');
  });
});

/** The lines a play's shell tasks wrote to steps.log, in order. */
function readSteps(dir: string): string[] {
  return readFileSync(join(dir, 'steps.log'), 'utf8').trim().split('\n');
}

describe('linear strategy inside blocks', () => {
  it('takes a block task by task on every host, then the rescue of the hosts that failed, then always on all', async () => {
    const out = join(project.dir, 'linear-block');
    const playbook = project.write(
      'linear-block/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - shell: sleep {{ pause }}; echo '1 {{ inventory_hostname }}' >> {{ out }}/steps.log; [ {{ inventory_hostname }} != s2 ]
        - shell: echo '2 {{ inventory_hostname }}' >> {{ out }}/steps.log
      rescue:
        - shell: echo 'r {{ inventory_hostname }}' >> {{ out }}/steps.log
      always:
        - shell: echo 'a {{ inventory_hostname }}' >> {{ out }}/steps.log
`,
    );
    const inventory = project.write(
      'linear-block/inventory.ini',
      's1 ansible_connection=local pause=0.6\ns2 ansible_connection=local pause=0\ns3 ansible_connection=local pause=0\n',
    );
    const { outcome } = await runEngine(playbook, inventory, { extraVars: { out } });
    const steps = readSteps(out);
    expect(steps.slice(0, 3).sort()).toEqual(['1 s1', '1 s2', '1 s3']);
    expect(steps[2]).toBe('1 s1'); // the slow host, waited for before anyone's second task
    expect(steps.slice(3, 5).sort()).toEqual(['2 s1', '2 s3']);
    expect(steps[5]).toBe('r s2');
    expect(steps.slice(6).sort()).toEqual(['a s1', 'a s2', 'a s3']);
    expect(outcome.hosts.get('s2')!.stats).toMatchObject({ failed: 0, rescued: 1 });
  });

  it('takes the tasks of an included file together on the hosts that include it, one group of hosts after another', async () => {
    const out = join(project.dir, 'linear-include');
    project.write(
      'linear-include/steps.yml',
      `- shell: sleep {{ pause }}; echo '1 {{ inventory_hostname }}' >> {{ out }}/steps.log
- shell: echo '2 {{ inventory_hostname }}' >> {{ out }}/steps.log
`,
    );
    project.write(
      'linear-include/other.yml',
      `- shell: echo 'other {{ inventory_hostname }}' >> {{ out }}/steps.log\n`,
    );
    const playbook = project.write(
      'linear-include/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: "{{ file }}.yml"
`,
    );
    const inventory = project.write(
      'linear-include/inventory.ini',
      's1 ansible_connection=local pause=0.6 file=steps\ns2 ansible_connection=local pause=0 file=steps\ns3 ansible_connection=local pause=0 file=other\n',
    );
    const { outcome } = await runEngine(playbook, inventory, { extraVars: { out } });
    expect(readSteps(out)).toEqual([
      '1 s2',
      '1 s1',
      expect.stringMatching(/^2 s[12]$/),
      expect.stringMatching(/^2 s[12]$/),
      'other s3',
    ]);
    expect(outcome.hosts.get('s3')!.stats.changed).toBe(1);
  });

  it('flushes handlers with meta inside a block once for the hosts there, even with one fork', async () => {
    const out = join(project.dir, 'flush-forks');
    const playbook = project.write(
      'flush-forks/play.yml',
      `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - shell: echo 'task {{ inventory_hostname }}' >> {{ out }}/steps.log
          notify: note
        - meta: flush_handlers
        - shell: echo 'after {{ inventory_hostname }}' >> {{ out }}/steps.log
  handlers:
    - name: note
      shell: echo 'handler {{ inventory_hostname }}' >> {{ out }}/steps.log
`,
    );
    const inventory = project.write(
      'flush-forks/inventory.ini',
      'f1 ansible_connection=local\nf2 ansible_connection=local\n',
    );
    await runEngine(playbook, inventory, { extraVars: { out }, forks: 1 });
    expect(readSteps(out)).toEqual(['task f1', 'task f2', 'handler f1', 'handler f2', 'after f1', 'after f2']);
  }, 20_000);

  for (const strategy of ['linear', 'free']) {
    it(`${strategy}: meta flush_handlers does not wait forever for a fork with --forks 1`, async () => {
      const out = join(project.dir, `flush-${strategy}`);
      const playbook = project.write(
        `flush-${strategy}/play.yml`,
        `- hosts: all
  gather_facts: false
  strategy: ${strategy}
  tasks:
    - shell: echo 'task {{ inventory_hostname }}' >> {{ out }}/steps.log
      notify: note
    - meta: flush_handlers
  handlers:
    - name: note
      shell: echo 'handler {{ inventory_hostname }}' >> {{ out }}/steps.log
`,
      );
      const inventory = project.write(
        `flush-${strategy}/inventory.ini`,
        'g1 ansible_connection=local\ng2 ansible_connection=local\n',
      );
      const { outcome } = await runEngine(playbook, inventory, { extraVars: { out }, forks: 1 });
      expect(readSteps(out).sort()).toEqual(['handler g1', 'handler g2', 'task g1', 'task g2']);
      for (const host of ['g1', 'g2']) expect(outcome.hosts.get(host)!.stats.changed).toBe(2);
    }, 20_000);
  }
});
