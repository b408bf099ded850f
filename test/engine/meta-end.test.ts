import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const run = (name: string, playbook: string) =>
  runEngine(
    project.write(`${name}/play.yml`, playbook),
    project.write(`${name}/inventory.ini`, 'm1 ansible_connection=local\nm2 ansible_connection=local\n'),
    { extraVars: { out: join(project.dir, name) } },
  );
const lines = (name: string, file: string): string[] =>
  existsSync(join(project.dir, name, file))
    ? readFileSync(join(project.dir, name, file), 'utf8')
        .trim()
        .split('\n')
        .sort()
    : [];
const NEXT_PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/next-play.log
`;

beforeAll(() => {
  project = createTempProject('drover-meta-');
});
afterAll(() => project.remove());

describe('meta: end_play and end_host', () => {
  it('end_play ends the play for every host, and its later serial batches, but not the run', async () => {
    const { outcome } = await run(
      'end-play',
      `- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - shell: echo {{ inventory_hostname }} >> {{ out }}/before.log
    - meta: end_play
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
${NEXT_PLAY}`,
    );
    expect(lines('end-play', 'before.log')).toEqual(['m1']);
    expect(lines('end-play', 'after.log')).toEqual([]);
    expect(lines('end-play', 'next-play.log')).toEqual(['m1', 'm2']);
    expect(outcome.hosts.get('m1')!.stats.failed).toBe(0);
  });

  it('end_host ends the play for the hosts its when selects, without failing them', async () => {
    const { outcome } = await run(
      'end-host',
      `- hosts: all
  gather_facts: false
  tasks:
    - meta: end_host
      when: inventory_hostname == 'm1'
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
${NEXT_PLAY}`,
    );
    expect(lines('end-host', 'after.log')).toEqual(['m2']);
    expect(lines('end-host', 'next-play.log')).toEqual(['m1', 'm2']);
    expect(outcome.hosts.get('m1')!.stats.failed).toBe(0);
  });

  it('a meta task whose when is false does nothing', async () => {
    await run(
      'end-play-when',
      `- hosts: all
  gather_facts: false
  tasks:
    - meta: end_play
      when: false
    - shell: echo {{ inventory_hostname }} >> {{ out }}/after.log
`,
    );
    expect(lines('end-play-when', 'after.log')).toEqual(['m1', 'm2']);
  });
});
