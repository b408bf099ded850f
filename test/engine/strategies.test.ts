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
  const inventory = project.write(`${strategy}/inventory.ini`, 's1 ansible_connection=local pause=0.6\ns2 ansible_connection=local pause=0\ns3 ansible_connection=local pause=0\n');
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
