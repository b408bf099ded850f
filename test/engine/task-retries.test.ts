import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const run = (name: string, tasks: string) =>
  runEngine(
    project.write(`${name}/play.yml`, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`),
    project.write(`${name}/inventory.ini`, 'r1 ansible_connection=local\n'),
    {
      extraVars: { out: join(project.dir, name) },
    },
  );
const attempts = (name: string): number =>
  existsSync(join(project.dir, name, 'attempts'))
    ? readFileSync(join(project.dir, name, 'attempts'), 'utf8')
        .trim()
        .split('\n').length
    : 0;

beforeAll(() => {
  project = createTempProject('drover-retries-');
});
afterAll(() => project.remove());

describe('retries and until, as ansible-core', () => {
  it('makes the first attempt plus `retries` more, then fails the task', async () => {
    const { results } = await run(
      'never',
      `    - shell: echo x >> {{ out }}/attempts
      register: tried
      until: tried.stdout == 'never'
      retries: 2
      delay: 0
      ignore_errors: true
    - copy: { dest: "{{ out }}/registered", content: "{{ tried.attempts }} {{ tried.failed }}" }
`,
    );
    expect(attempts('never')).toBe(3);
    expect(results.get('r1')![0]).toMatchObject({
      status: 'failed',
      error: "'until' condition still false after 3 attempts",
    });
    expect(readFileSync(join(project.dir, 'never/registered'), 'utf8')).toBe('3 True');
  });

  it('makes 4 attempts when until has no retries (the default is 3)', async () => {
    await run(
      'default',
      `    - shell: echo x >> {{ out }}/attempts\n      register: tried\n      until: false\n      delay: 0\n      ignore_errors: true\n`,
    );
    expect(attempts('default')).toBe(4);
  });

  it('stops as soon as the condition holds', async () => {
    const { outcome } = await run(
      'third',
      `    - shell: echo x >> {{ out }}/attempts; wc -l < {{ out }}/attempts\n      register: tried\n      until: tried.stdout | int >= 3\n      retries: 5\n      delay: 0\n`,
    );
    expect(attempts('third')).toBe(3);
    expect(outcome.hosts.get('r1')!.stats.failed).toBe(0);
  });

  it('with retries and no until, retries a failing task until it succeeds', async () => {
    const { outcome } = await run(
      'no-until',
      `    - shell: echo x >> {{ out }}/attempts; test $(wc -l < {{ out }}/attempts) -ge 2\n      retries: 3\n      delay: 0\n`,
    );
    expect(attempts('no-until')).toBe(2);
    expect(outcome.hosts.get('r1')!.stats.failed).toBe(0);
  });

  it('runs a task once when it has neither retries nor until', async () => {
    await run('once', `    - shell: echo x >> {{ out }}/attempts; exit 1\n      ignore_errors: true\n`);
    expect(attempts('once')).toBe(1);
  });
});
