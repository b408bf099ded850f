import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type EngineRunOptions, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const run = (name: string, playbook: string, options: EngineRunOptions = {}) =>
  runEngine(
    project.write(`${name}/play.yml`, playbook),
    project.write(`${name}/inventory.ini`, 'h1 ansible_connection=local\n'),
    { ...options, extraVars: { out: join(project.dir, name) } },
  );
const log = (name: string): string[] =>
  existsSync(join(project.dir, name, 'log'))
    ? readFileSync(join(project.dir, name, 'log'), 'utf8')
        .trim()
        .split('\n')
    : [];
/** A task (or handler) that appends WORD to the log: shell always reports changed, so its notify fires. */
const step = (word: string, extra = '') => `shell: echo ${word} >> {{ out }}/log${extra}`;

beforeAll(() => {
  project = createTempProject('drover-handlers-');
});
afterAll(() => project.remove());

describe('handlers', () => {
  it('run once each, in the order they are defined, by name or listen topic, whatever the order of notification', async () => {
    await run(
      'order',
      `- hosts: all
  gather_facts: false
  tasks:
    - ${step('t1')}
      notify: [second, restart things]
    - ${step('t2')}
      notify: first
    - ${step('t3')}
      notify: second
    - copy: { dest: "{{ out }}/unchanged", content: x }
    - copy: { dest: "{{ out }}/unchanged", content: x }
      notify: never notified by a change
  handlers:
    - name: first
      ${step('first')}
    - name: second
      ${step('second')}
    - name: listener
      listen: restart things
      ${step('listener')}
    - name: never notified by a change
      ${step('wrong')}
`,
    );
    expect(log('order')).toEqual(['t1', 't2', 't3', 'first', 'second', 'listener']);
  });

  it('flush at the end of pre_tasks, of roles + tasks and of post_tasks', async () => {
    project.write('sections/roles/web/tasks/main.yml', `- ${step('role')}\n  notify: h\n`);
    await run(
      'sections',
      `- hosts: all
  gather_facts: false
  pre_tasks:
    - ${step('pre')}
      notify: h
  roles:
    - web
  tasks:
    - ${step('task')}
      notify: h
  post_tasks:
    - ${step('post')}
      notify: h
  handlers:
    - name: h
      ${step('handler')}
`,
    );
    expect(log('sections')).toEqual(['pre', 'handler', 'role', 'task', 'handler', 'post', 'handler']);
  });

  it('run where meta: flush_handlers stands, and again only if notified again', async () => {
    await run(
      'flush',
      `- hosts: all
  gather_facts: false
  tasks:
    - ${step('t1')}
      notify: h
    - meta: flush_handlers
    - ${step('t2')}
    - ${step('t3')}
      notify: h
  handlers:
    - name: h
      ${step('handler')}
`,
    );
    expect(log('flush')).toEqual(['t1', 'handler', 't2', 't3', 'handler']);
  });

  const failing = (force: string) => `- hosts: all
  gather_facts: false${force}
  tasks:
    - ${step('t1')}
      notify: h
    - fail: msg=broken
    - ${step('never')}
  handlers:
    - name: h
      ${step('handler')}
`;

  it('do not run on a host that failed after notifying them', async () => {
    await run('failed', failing(''));
    expect(log('failed')).toEqual(['t1']);
  });

  it('still run on a failed host with --force-handlers', async () => {
    await run('forced-cli', failing(''), { forceHandlers: true });
    expect(log('forced-cli')).toEqual(['t1', 'handler']);
  });

  it('still run on a failed host with force_handlers: true on the play', async () => {
    await run('forced-play', failing('\n  force_handlers: true'));
    expect(log('forced-play')).toEqual(['t1', 'handler']);
  });
});
