import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

const dir = writeFiles(
  {
    'hosts.ini': 'v1 ansible_connection=local\n',
    'site.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: print
      shell: "echo first; echo second; echo warned >&2"
    - name: quiet
      command: "true"
      changed_when: false
    - name: hidden
      shell: "echo the-hidden-text"
      no_log: true
    - name: each
      command: "echo item {{ item }}"
      loop: [a, b]
    - name: fails
      shell: "echo before failing; exit 3"
`,
  },
  'drover-verbose-',
);
const run = (...flags: string[]) => runCli(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), ...flags]);

describe('-v shows what commands printed', () => {
  it('prints rc, stdout and stderr under each command result, loop items too, never of a no_log task', async () => {
    const { code, stdout } = await run('-v');
    expect(code).toBe(2);
    expect(stdout).toContain(
      ['changed: [v1]', '  rc: 0', '  stdout:', '    first', '    second', '  stderr: warned'].join('\n'),
    );
    expect(stdout).toContain(['ok: [v1]', '  rc: 0'].join('\n'));
    expect(stdout).toContain(['  changed: [v1] (item=a)', '    rc: 0', '    stdout: item a'].join('\n'));
    expect(stdout).toMatch(/fatal: \[v1\]: FAILED! => .*\n  rc: 3\n  stdout: before failing/);
    expect(stdout).not.toContain('the-hidden-text');
  });

  it('prints none of it without -v', async () => {
    const { stdout } = await run();
    expect(stdout).not.toMatch(/^ +rc: \d/m);
    expect(stdout).not.toMatch(/^ +(stdout|stderr):/m);
  });
});
