/**
 * An Ansible project's vault, as ansible-vault 2.14 writes it: whole files, `encrypt_string`
 * values and vault ids load in drover unchanged; drover's own Ansible-format blocks open in
 * ansible-vault. Both tools run on the same input.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptAnsibleVault, encryptAnsibleVault } from '../../src/vault/ansible-vault.js';
import { runCli } from '../helpers/run-cli.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
let passwordFile: string;
const PASSWORD = `ansible pw ${process.pid} é`;
const SECRET = `db-secret-${process.pid}`;

const ansibleVault = (args: string[], input?: string) =>
  execFileSync('ansible-vault', args, { encoding: 'utf8', input, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });

beforeAll(() => {
  project = createTempProject('drover-ansible-vault-');
  passwordFile = project.write('vault-pass.txt', `${PASSWORD}\n`);
});
afterAll(() => project.remove());

describe('Ansible vault data', () => {
  it('loads a group_vars file that ansible-vault encrypted whole, masks its values, and writes them where asked', async () => {
    const vars = project.write('whole/inventory/group_vars/all/vault.yml', `db_password: ${SECRET}\ndb_port: 5432\n`);
    ansibleVault(['encrypt', '--vault-password-file', passwordFile, vars]);
    expect(readFileSync(vars, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n[0-9a-f]{80}\n/);
    project.write('whole/inventory/hosts.ini', 'h1 ansible_connection=local\n');
    const out = join(project.dir, 'whole', 'out.conf');
    const play = project.write(
      'whole/play.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "${out}", content: "password={{ db_password }} port={{ db_port }}\\n" }\n`,
    );
    const result = await runCli([
      'run',
      play,
      '-i',
      join(project.dir, 'whole', 'inventory'),
      '--vault-password-file',
      passwordFile,
      '--diff',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`password=${SECRET} port=5432\n`);
    expect(result.stdout).toContain('password=********');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('loads encrypt_string values (vault ids too), and names the file of a value the password does not open', async () => {
    const inline = ansibleVault([
      'encrypt_string',
      '--vault-password-file',
      passwordFile,
      '--name',
      'api_token',
      SECRET,
    ]);
    const labelled = ansibleVault([
      'encrypt_string',
      '--vault-id',
      `prod@${passwordFile}`,
      '--name',
      'prod_token',
      `${SECRET}-prod`,
    ]);
    expect(labelled).toContain('$ANSIBLE_VAULT;1.2;AES256;prod');
    project.write('inline/inventory/group_vars/all.yml', `${inline}\n${labelled}\n`);
    project.write('inline/inventory/hosts.ini', 'h1 ansible_connection=local\n');
    const out = join(project.dir, 'inline', 'out.conf');
    const play = project.write(
      'inline/play.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "${out}", content: "{{ api_token }} {{ prod_token }}" }\n`,
    );
    const result = await runCli([
      'run',
      play,
      '-i',
      join(project.dir, 'inline', 'inventory'),
      '--vault-password-file',
      passwordFile,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${SECRET} ${SECRET}-prod`);

    const wrong = project.write('wrong-pass.txt', 'not the password\n');
    const refused = await runCli([
      'run',
      play,
      '-i',
      join(project.dir, 'inline', 'inventory'),
      '--vault-password-file',
      wrong,
    ]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/group_vars\/all\.yml.*wrong vault password/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes blocks that ansible-vault opens, and reads them back itself', () => {
    const text = `line one\nline two: ${SECRET}\n`;
    for (const id of [undefined, 'staging']) {
      const block = encryptAnsibleVault(text, PASSWORD, id);
      const file = project.write(`drover-made-${id ?? 'plain'}.yml`, block);
      expect(ansibleVault(['view', '--vault-password-file', passwordFile, file])).toBe(text);
      expect(decryptAnsibleVault(block, PASSWORD)).toBe(text);
      expect(decryptAnsibleVault(block, 'another password')).toBeUndefined();
    }
  });
});

describe('drover vault with Ansible vault files', () => {
  it('encrypts in the Ansible format when asked, and edit keeps a file an Ansible vault with its vault id', async () => {
    const file = project.write('cli/secrets.yml', `token: ${SECRET}\n`);
    const encrypted = await runCli([
      'vault',
      'encrypt',
      file,
      '--format',
      'ansible',
      '--vault-password-file',
      passwordFile,
    ]);
    expect(encrypted.code, encrypted.stderr).toBe(0);
    expect(ansibleVault(['view', '--vault-password-file', passwordFile, file])).toBe(`token: ${SECRET}\n`);

    const labelled = project.write('cli/labelled.yml', 'token: old\n');
    ansibleVault(['encrypt', '--vault-id', `prod@${passwordFile}`, labelled]);
    const editor = project.write('cli/editor.sh', '#!/bin/sh\nprintf "token: new\\n" > "$1"\n');
    execFileSync('chmod', ['+x', editor]);
    const edited = await runCli(['vault', 'edit', labelled, '--vault-password-file', passwordFile], {
      env: { EDITOR: editor },
    });
    expect(edited.code, edited.stderr).toBe(0);
    expect(readFileSync(labelled, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(ansibleVault(['view', '--vault-id', `prod@${passwordFile}`, labelled])).toBe('token: new\n');
    expect((await runCli(['vault', 'view', labelled, '--vault-password-file', passwordFile])).stdout).toBe(
      'token: new\n',
    );
  });
});
