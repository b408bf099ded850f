/**
 * A nightly drift run of a playbook whose later tasks read a registered command's output: every
 * hand edit after that task is found on every host, the dependent tasks are unknown (not errors),
 * and the HTML grid, JUnit and summary have every task.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
let play: string;
let inventory: string;
const HOSTS = ['n1', 'n2', 'n3'];

beforeAll(() => {
  project = createTempProject('drover-drift-reads-');
  project.write('templates/release.conf.mustache', 'release = {{ release.stdout }}\n');
  project.write('release', '7\n');
  play = project.write(
    'site.yml',
    `- hosts: all
  gather_facts: false
  tasks:
    - name: read the release
      command: cat {{ out }}/release
      register: release
    - name: show the release
      debug: { msg: "release {{ release.stdout }}" }
    - name: mark new releases
      copy: { dest: "{{ out }}/{{ inventory_hostname }}-marker", content: "new\\n" }
      when: release.stdout != 'old'
    - name: write the release file
      template: { src: release.conf.mustache, dest: "{{ out }}/{{ inventory_hostname }}-release.conf" }
${['a', 'b', 'c', 'd']
  .map(
    (name) =>
      `    - name: config ${name}\n      copy: { dest: "{{ out }}/{{ inventory_hostname }}-${name}", content: "${name}\\n" }\n`,
  )
  .join('')}`,
  );
  inventory = project.write('hosts', HOSTS.map((h) => `${h} ansible_connection=local`).join('\n') + '\n');
});
afterAll(() => project.remove());

describe('drift of a playbook that reads a registered command', () => {
  it('finds every hand edit on every host and lists the tasks that read the command as unknown', async () => {
    const vars = ['-e', `out=${project.dir}`];
    expect((await runCli(['run', play, '-i', inventory, ...vars])).code).toBe(0);
    // Four hand edits, after the task that reads the command, on different hosts.
    writeFileSync(join(project.dir, 'n1-a'), 'edited\n');
    writeFileSync(join(project.dir, 'n2-c'), 'edited\n');
    writeFileSync(join(project.dir, 'n3-d'), 'edited\n');
    writeFileSync(join(project.dir, 'n3-b'), 'edited\n');
    const html = join(project.dir, 'drift.html');
    const junit = join(project.dir, 'drift.xml');
    const report = join(project.dir, 'drift.json');
    const drift = await runCli([
      'drift',
      play,
      '-i',
      inventory,
      ...vars,
      '--state-dir',
      join(project.dir, 'state'),
      '--html',
      html,
      '--junit',
      junit,
      '--report',
      report,
    ]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      hosts: Record<string, { tasks: Array<{ task: string; status: string; unknown?: { dependsOn?: string } }> }>;
    };
    const changed = Object.fromEntries(
      HOSTS.map((h) => [h, json.hosts[h].tasks.filter((t) => t.status === 'changed').map((t) => t.task)]),
    );
    expect(changed).toEqual({ n1: ['config a'], n2: ['config c'], n3: ['config b', 'config d'] });
    for (const host of HOSTS) {
      const tasks = json.hosts[host].tasks;
      expect(tasks).toHaveLength(8);
      for (const name of ['show the release', 'mark new releases', 'write the release file'])
        expect(tasks.find((t) => t.task === name)).toMatchObject({
          status: 'unknown',
          unknown: { dependsOn: 'read the release' },
        });
    }
    // Every task of every host is in the grid and in JUnit.
    const page = readFileSync(html, 'utf8');
    for (const name of ['read the release', 'show the release', 'write the release file', 'config d'])
      expect(page).toContain(name);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(8 * HOSTS.length);
    expect(xml).toContain('unknown: reads');
    expect(drift.stdout).toMatch(/^drift: 4 resources on 3 hosts/m);
    // Drift changed nothing.
    expect(readFileSync(join(project.dir, 'n3-d'), 'utf8')).toBe('edited\n');
  });
});
