import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptText } from '../../src/vault/vault-crypto.js';
import { hermeticCliEnv, startPasswordHost, type PasswordHost } from '../helpers/cli-sshd.js';
import { runCli } from '../helpers/run-cli.js';
import type { TestSshd } from '../helpers/sshd.js';

const USER = 'drvtpl45';
// The login and the sudo password of the user (one Unix password), kept only in vault files below.
const PASSWORD = `Tpl-45 'pw' $x`;
const VAULT_PASSWORD = 'vault pass 45';

let host: PasswordHost;
let sshd: TestSshd;
let dir: string;
let inventory: string;
let knownHosts: string;
let vaultPasswordFile: string;

beforeAll(async () => {
  host = await startPasswordHost({ name: 'tmplvars', subnet: 145, user: USER, password: PASSWORD });
  ({ sshd, dir, knownHosts } = host);
  vaultPasswordFile = join(dir, 'vault-password');
  writeFileSync(vaultPasswordFile, `${VAULT_PASSWORD}\n`);

  // The standard Ansible layout: connection vars in group_vars refer to vault_* vars kept in an encrypted file.
  inventory = join(dir, 'inventory');
  mkdirSync(join(inventory, 'group_vars', 'app'), { recursive: true });
  const [prefix] = /^\d+\.\d+\.\d+/.exec(sshd.address)!;
  writeFileSync(
    join(inventory, 'hosts.yml'),
    [
      'all:',
      '  children:',
      '    app:',
      '      hosts:',
      '        tpl1:',
      `          ansible_host: "{{ app_net }}.2"`,
      `          ansible_user: ${USER}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(inventory, 'group_vars', 'app', 'vars.yml'),
    `app_net: "${prefix}"\nansible_password: "{{ vault_ssh_password }}"\n`,
  );
  writeFileSync(
    join(inventory, 'group_vars', 'app', 'vault.yml'),
    encryptText(`vault_ssh_password: ${JSON.stringify(PASSWORD)}\n`, VAULT_PASSWORD),
  );
  // The become password comes from the playbook's own encrypted vars_files.
  writeFileSync(join(dir, 'secrets.yml'), encryptText(`vault_become: ${JSON.stringify(PASSWORD)}\n`, VAULT_PASSWORD));
});

afterAll(() => host?.stop());

function writePlaybook(name: string, play: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${play.join('\n')}\n`);
  return file;
}

const run = (playbook: string, extra: string[] = []) =>
  runCli(
    [
      'run',
      playbook,
      '-i',
      inventory,
      '--known-hosts',
      knownHosts,
      '--vault-password-file',
      vaultPasswordFile,
      ...extra,
    ],
    { env: hermeticCliEnv(dir) },
  );

describe('connection variables are templated like task vars', () => {
  it('logs in with ansible_host and ansible_password rendered from group_vars and a vault file, and becomes root with a vault password from vars_files', async () => {
    // Written by the login user and by root: a directory both may write to.
    const outDir = join(dir, 'out');
    mkdirSync(outDir, { mode: 0o777 });
    chmodSync(outDir, 0o777);
    chmodSync(dir, 0o755);
    const out = join(outDir, 'who');
    const playbook = writePlaybook('site.yml', [
      '- hosts: app',
      '  gather_facts: false',
      '  vars_files: [secrets.yml]',
      '  vars:',
      '    ansible_become_password: "{{ vault_become }}"',
      '  tasks:',
      '    - name: as the login user',
      `      shell: "id -un > ${out}.login"`,
      '    - name: as root',
      '      become: true',
      `      shell: "id -un > ${out}.become"`,
    ]);
    const result = await run(playbook, ['-vvv']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(`${out}.login`, 'utf8')).toBe(`${USER}\n`);
    expect(readFileSync(`${out}.become`, 'utf8')).toBe('root\n');
    // The password reached sshd and sudo, never the output.
    expect(result.stdout + result.stderr).not.toContain('Tpl-45');
  });

  it('an undefined variable in a connection variable makes the host UNREACHABLE, naming the variable', async () => {
    const playbook = writePlaybook('undefined.yml', [
      '- hosts: app',
      '  gather_facts: false',
      '  vars:',
      '    ansible_password: "{{ no_such_secret }}"',
      '  tasks:',
      '    - command: "true"',
    ]);
    const result = await run(playbook);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      "fatal: [tpl1]: UNREACHABLE! => host tpl1: cannot resolve ansible_password: undefined variable 'no_such_secret'",
    );
  });

  it('a play without the become password fails the become task with sudo asking for it, not a literal template', async () => {
    const playbook = writePlaybook('nobecome.yml', [
      '- hosts: app',
      '  gather_facts: false',
      '  tasks:',
      '    - become: true',
      '      command: "true"',
    ]);
    const result = await run(playbook);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/password is required.*ansible_become_password/);
  });
});
