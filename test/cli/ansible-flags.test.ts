/**
 * Command-line flags ansible-playbook users type: -c, -b, --become-user, --vault-id. The same
 * playbook runs through both tools, and the files they write are compared (content and owner).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAnsibleVault } from '../../src/vault/ansible-vault.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-ansible-flags-');
  chmodSync(project.dir, 0o755);
});
afterAll(() => project.remove());

/** A directory anyone may write, as a become user must. */
function outDir(name: string): string {
  const dir = join(project.dir, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o1777);
  return dir;
}

function runAnsible(args: string[]): void {
  // Pipelining lets ansible-core run a module as an unprivileged become user without ACLs on its temp files.
  execFileSync('ansible-playbook', args, {
    cwd: project.dir,
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_PIPELINING: 'True' },
    stdio: 'pipe',
  });
}

const written = (dir: string, name: string) => {
  const file = join(dir, name);
  return { content: readFileSync(file, 'utf8'), uid: statSync(file).uid };
};

describe('ansible-playbook flags', () => {
  it('-i "h1," -c local -b --become-user nobody: the same user runs the tasks and owns the file', async () => {
    const play = project.write(
      'whoami.yml',
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n    - copy: { dest: "{{ out }}/{{ inventory_hostname }}", content: "{{ who.stdout }}" }\n',
    );
    const flags = ['-i', 'h1,', '-c', 'local', '-b', '--become-user', 'nobody'];
    const mine = outDir('become-drover');
    const result = await runCli(['run', play, ...flags, '-e', `out=${mine}`]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const theirs = outDir('become-ansible');
    runAnsible([play, ...flags, '-e', `out=${theirs}`]);
    expect(written(mine, 'h1')).toEqual(written(theirs, 'h1'));
    expect(written(mine, 'h1').content).toBe('nobody');
  });

  it('a task or play keyword wins over -b, as in Ansible', async () => {
    const play = project.write(
      'keyword.yml',
      '- hosts: all\n  gather_facts: false\n  become: false\n  tasks:\n    - command: id -un\n      register: who\n    - copy: { dest: "{{ out }}/{{ inventory_hostname }}", content: "{{ who.stdout }}" }\n',
    );
    const flags = ['-i', 'h1,', '-c', 'local', '-b', '--become-user', 'nobody'];
    const mine = outDir('keyword-drover');
    expect((await runCli(['run', play, ...flags, '-e', `out=${mine}`])).code).toBe(0);
    const theirs = outDir('keyword-ansible');
    runAnsible([play, ...flags, '-e', `out=${theirs}`]);
    expect(written(mine, 'h1')).toEqual(written(theirs, 'h1'));
  });

  it('--vault-id LABEL@FILE, twice: each vault id block opens with its own password', async () => {
    const dev = project.write('dev.pass', 'dev password\n');
    const prod = project.write('prod.pass', 'prod password\n');
    const indent = (block: string) =>
      block
        .trimEnd()
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n');
    project.write(
      'vault-inventory/group_vars/all.yml',
      `dev_token: !vault |\n${indent(encryptAnsibleVault('dev-secret', 'dev password', 'dev'))}\nprod_token: !vault |\n${indent(encryptAnsibleVault('prod-secret', 'prod password', 'prod'))}\n`,
    );
    project.write('vault-inventory/hosts', 'h1 ansible_connection=local\n');
    const play = project.write(
      'vault.yml',
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "{{ out }}/{{ inventory_hostname }}", content: "{{ dev_token }} {{ prod_token }}" }\n',
    );
    const flags = [
      '-i',
      join(project.dir, 'vault-inventory'),
      '--vault-id',
      `dev@${dev}`,
      '--vault-id',
      `prod@${prod}`,
    ];
    const mine = outDir('vault-drover');
    const result = await runCli(['run', play, ...flags, '-e', `out=${mine}`]);
    expect(result.code, result.stderr).toBe(0);
    const theirs = outDir('vault-ansible');
    runAnsible([play, ...flags, '-e', `out=${theirs}`]);
    expect(written(mine, 'h1')).toEqual(written(theirs, 'h1'));
    expect(written(mine, 'h1').content).toBe('dev-secret prod-secret');
  });
});
