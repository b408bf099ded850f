import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';
import { GROUPED_INVENTORY, TAGGED_PLAYBOOK } from './fixtures.js';

let dir: string;
const markerPath = () => join(dir, 'ran');

beforeAll(() => {
  dir = writeFiles(
    {
      'hosts.yml': GROUPED_INVENTORY,
      'tagged.yml': TAGGED_PLAYBOOK,
      'roles/base/tasks/main.yml': '- name: base setup\n  debug: msg=base\n  tags: [base]\n',
      'site.yml': `- name: frontends and databases
  hosts: web:db
  gather_facts: false
  roles: [base]
  tasks:
    - name: mark
      command: touch {{ playbook_dir }}/ran
    - block:
        - name: inside the block
          debug: msg=b
          tags: [blocky]
      rescue:
        - name: rescue it
          debug: msg=r
- name: the lone host
  hosts: solo
  gather_facts: false
  tasks:
    - name: lone task
      debug: msg=x
      tags: [lone]
`,
    },
    'drover-list-',
  );
});

const run = (...args: string[]) => runCli(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml'), ...args]);

describe('--list-hosts', () => {
  it('prints each play with the hosts it would run on, and runs nothing', async () => {
    const result = await run('--list-hosts');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `playbook: ${join(dir, 'site.yml')}\n\n  play: frontends and databases (3 hosts)\n    web1\n    web2\n    db1\n\n  play: the lone host (1 hosts)\n    solo\n`,
    );
    expect(result.stdout).not.toContain('PLAY RECAP');
  });

  it('applies --limit', async () => {
    const result = await run('--list-hosts', '--limit', 'web2:solo');
    expect(result.stdout).toContain('  play: frontends and databases (1 hosts)\n    web2\n');
    expect(result.stdout).toContain('  play: the lone host (1 hosts)\n    solo\n');
    expect(result.stdout).not.toMatch(/^\s+(web1|db1)$/m);
  });
});

describe('--list-tasks', () => {
  it('lists role tasks as ROLE : NAME, blocks with their rescue, and tags', async () => {
    const result = await run('--list-tasks');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `playbook: ${join(dir, 'site.yml')}`,
        '',
        '  play: frontends and databases',
        '    tasks:',
        '      base : base setup\tTAGS: [base]',
        '      mark',
        '      block',
        '        inside the block\tTAGS: [blocky]',
        '      rescue:',
        '        rescue it',
        '',
        '  play: the lone host',
        '    tasks:',
        '      lone task\tTAGS: [lone]',
        '',
      ].join('\n'),
    );
  });

  it('lists only what --tags and --skip-tags select, with always and never as in Ansible', async () => {
    const tagged = (...args: string[]) =>
      runCli(['run', join(dir, 'tagged.yml'), '-i', join(dir, 'hosts.yml'), '--list-tasks', ...args]);
    const names = (stdout: string) =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('      '))
        .map((l) => l.trim().split('\t')[0]);
    expect(names((await tagged()).stdout)).toEqual(['install', 'configure', 'untagged', 'always runs']);
    expect(names((await tagged('--tags', 'install')).stdout)).toEqual(['install', 'always runs']);
    expect(names((await tagged('--tags', 'debugging')).stdout)).toEqual(['always runs', 'only on request']);
    expect(names((await tagged('--skip-tags', 'config,always')).stdout)).toEqual(['install', 'untagged']);
  });

  it('does not run anything', async () => {
    await run('--list-tasks');
    const { existsSync } = await import('node:fs');
    expect(existsSync(markerPath())).toBe(false);
  });
});

describe('--list-tags', () => {
  it('prints the sorted tags of each play, role and block tags included', async () => {
    const result = await run('--list-tags');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `playbook: ${join(dir, 'site.yml')}\n\n  play: frontends and databases\n    TASK TAGS: [base, blocky]\n\n  play: the lone host\n    TASK TAGS: [lone]\n`,
    );
  });
});
