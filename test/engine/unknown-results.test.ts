import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, runEngine, type EngineRunOptions, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
const run = (name: string, tasks: string, options: EngineRunOptions = {}) =>
  runEngine(
    project.write(`${name}/play.yml`, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`),
    project.write(`${name}/inventory.ini`, 'r1 ansible_connection=local\nr2 ansible_connection=local\n'),
    { ...options, extraVars: { out: join(project.dir, name) } },
  );
const statuses = (results: Awaited<ReturnType<typeof run>>['results'], host: string) =>
  results.get(host)!.map((r) => [r.task, r.status]);

beforeAll(() => {
  project = createTempProject('drover-unknown-');
});
afterAll(() => project.remove());

// A registered command read by a debug, a when and a template, with edits to check after it.
const READS_COMMAND = `    - name: read the release
      command: cat {{ out }}/release
      register: release
    - name: show the release
      debug: { msg: "release {{ release.stdout }}" }
    - name: mark a new release
      copy: { dest: "{{ out }}/{{ inventory_hostname }}-marker", content: "new\\n" }
      when: release.stdout != 'old'
    - name: write the release file
      template: { src: release.conf.mustache, dest: "{{ out }}/{{ inventory_hostname }}-release.conf" }
    - name: first config
      copy: { dest: "{{ out }}/{{ inventory_hostname }}-a", content: "a\\n" }
    - name: second config
      copy: { dest: "{{ out }}/{{ inventory_hostname }}-b", content: "b\\n" }
`;

describe('unknown results in check and drift', () => {
  it('goes on past tasks that read a command result, marks them unknown, and still finds every edit after them', async () => {
    project.write('reads/templates/release.conf.mustache', 'release = {{ release.stdout }}\n');
    writeFileSync(project.write('reads/release', ''), '3\n');
    const applied = await run('reads', READS_COMMAND);
    expect(applied.outcome.hosts.get('r1')!.stats.failed).toBe(0);
    for (const host of ['r1', 'r2']) writeFileSync(join(project.dir, 'reads', `${host}-a`), 'edited\n');
    writeFileSync(join(project.dir, 'reads', 'r2-b'), 'edited\n');

    const drift = await run('reads', READS_COMMAND, { drift: true });
    for (const host of ['r1', 'r2']) {
      const results = drift.results.get(host)!;
      expect(statuses(drift.results, host)).toEqual([
        ['read the release', 'unknown'],
        ['show the release', 'unknown'],
        ['mark a new release', 'unknown'],
        ['write the release file', 'unknown'],
        ['first config', 'changed'],
        ['second config', host === 'r2' ? 'changed' : 'ok'],
      ]);
      expect(results[0].unknown?.reason).toMatch(/known only when it runs/);
      expect(results[1].unknown).toEqual({
        reason: "reads 'release', which only a real run of 'read the release' produces",
        dependsOn: 'read the release',
      });
      expect(results[3].unknown?.dependsOn).toBe('read the release');
      expect(drift.outcome.hosts.get(host)!.stats).toMatchObject({
        unknown: 4,
        changed: host === 'r2' ? 2 : 1,
        failed: 0,
      });
    }
    // Drift changed nothing.
    expect(readFileSync(join(project.dir, 'reads', 'r1-a'), 'utf8')).toBe('edited\n');
  });

  it('knows values again in a real run: nothing is unknown', async () => {
    const applied = await run('reads', READS_COMMAND);
    for (const host of ['r1', 'r2']) {
      expect(applied.results.get(host)!.map((r) => r.status)).not.toContain('unknown');
      expect(applied.outcome.hosts.get(host)!.stats.unknown).toBe(0);
    }
  });

  it('carries unknown through set_fact and a loop, and forgets it when the name is registered again', async () => {
    const { results } = await run(
      'cascade',
      `    - name: probe it
      shell: echo hi
      register: probed
    - name: keep it
      set_fact: { kept: "{{ probed.stdout }}" }
    - name: use it in a loop
      debug: { msg: "{{ item }}" }
      loop: "{{ [kept] }}"
    - name: probe again, guarded
      command: echo again
      args: { creates: /nonexistent-guard }
      register: probed
    - name: use the new one
      debug: { msg: "{{ probed.changed }}" }
`,
      { check: true },
    );
    expect(statuses(results, 'r1')).toEqual([
      ['probe it', 'unknown'],
      ['keep it', 'unknown'],
      ['use it in a loop', 'unknown'],
      ['probe again, guarded', 'changed'],
      ['use the new one', 'ok'],
    ]);
    expect(results.get('r1')![2].unknown?.dependsOn).toBe('probe it');
  });
});

describe('check keywords in check mode, as ansible-core', () => {
  it('check_mode: true checks that task in a normal run: nothing is written', async () => {
    const { results } = await run(
      'forced',
      `    - copy: { dest: "{{ out }}/checked", content: "x" }\n      check_mode: true\n    - copy: { dest: "{{ out }}/written", content: "x" }\n`,
    );
    expect(results.get('r1')!.map((r) => r.status)).toEqual(['changed', 'changed']);
    expect(existsSync(join(project.dir, 'forced', 'checked'))).toBe(false);
    expect(existsSync(join(project.dir, 'forced', 'written'))).toBe(true);
  });

  it('applies failed_when and changed_when to what check predicts', async () => {
    const { results } = await run(
      'judged',
      `    - copy: { dest: "{{ out }}/f", content: "x" }\n      register: r\n      failed_when: r.changed\n    - copy: { dest: "{{ out }}/g", content: "x" }\n      changed_when: false\n`,
      { check: true },
    );
    expect(results.get('r1')!.map((r) => r.status)).toEqual(['failed']);
    expect(existsSync(join(project.dir, 'judged', 'f'))).toBe(false);
  });

  it("keeps a registered loop's results in check mode", async () => {
    const { results } = await run(
      'looped',
      `    - copy: { dest: "{{ out }}/{{ item }}", content: "x" }\n      loop: [a, b]\n      register: written\n    - debug: { msg: "{{ written.results | length }} {{ written.changed }}" }\n`,
      { check: true },
    );
    expect(results.get('r1')![1].msg).toBe('2 True');
  });
});
