import { Command, Option } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPasswordFile } from '../../vault/keyring.js';
import { ANSIBLE_VAULT_PREFIX, ansibleVaultId, encryptAnsibleVault } from '../../vault/ansible-vault.js';
import { decryptText, encryptText, isVaultText, VaultError } from '../../vault/vault-crypto.js';
import { UsageError } from '../exit-codes.js';
import { promptSecretSync } from '../prompt-secret.js';

interface PasswordOptions {
  vaultPasswordFile?: string;
}

function readPassword(options: PasswordOptions, confirm: boolean): string {
  const file = options.vaultPasswordFile ?? process.env.DROVER_VAULT_PASSWORD_FILE;
  if (file) return readPasswordFile(file);
  const first = promptSecretSync('Vault password: ');
  if (confirm && promptSecretSync('Confirm vault password: ') !== first)
    throw new UsageError('the passwords do not match');
  return first;
}

function readText(file: string): string {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return readFileSync(file, 'utf8');
}

/** Reads all of stdin (for encrypt-string). */
function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export function createVaultCommand(): Command {
  const vault = new Command('vault')
    .description(
      'Encrypt and decrypt secrets: whole vars files, or inline values tagged !vault (AES-256-GCM, scrypt key).',
    )
    .addHelpText(
      'after',
      `
Password: --vault-password-file FILE, else $DROVER_VAULT_PASSWORD_FILE, else a prompt.

Examples:
  drover vault encrypt inventory/group_vars/db/vault.yml --vault-password-file ~/.drover-vault
  drover vault view inventory/group_vars/db/vault.yml
  printf %s 's3cret' | drover vault encrypt-string --name db_password`,
    );
  const withPassword = (command: Command) =>
    command.option('--vault-password-file <file>', 'read the vault password from this file');
  const withFormat = (command: Command) =>
    command.addOption(
      new Option(
        '--format <format>',
        'drover (AES-256-GCM, scrypt) or ansible (what ansible-vault reads: AES256, vault format 1.1)',
      )
        .choices(['drover', 'ansible'])
        .default('drover'),
    );

  vault.addCommand(
    withFormat(withPassword(new Command('encrypt').description('encrypt a file in place').argument('<file>'))).action(
      (file: string, options: PasswordOptions & FormatOption) => {
        const text = readText(file);
        if (isVaultText(text)) throw new UsageError(`${file} is already encrypted`);
        writeFileSync(file, encryptAs(options.format, text, readPassword(options, true)));
        process.stderr.write(`encrypted ${file}\n`);
      },
    ),
  );
  vault.addCommand(
    withPassword(
      new Command('decrypt')
        .description('decrypt a file in place (or to --output; "-" is stdout)')
        .argument('<file>')
        .option('--output <file>', 'write the plaintext here instead'),
    ).action((file: string, options: PasswordOptions & { output?: string }) => {
      const plaintext = decryptText(readText(file), readPassword(options, false), file);
      if (options.output === '-') process.stdout.write(plaintext);
      else writeFileSync(options.output ?? file, plaintext, { mode: 0o600 });
    }),
  );
  vault.addCommand(
    withPassword(new Command('view').description('print a decrypted file to stdout').argument('<file>')).action(
      (file: string, options: PasswordOptions) => {
        process.stdout.write(decryptText(readText(file), readPassword(options, false), file));
      },
    ),
  );
  vault.addCommand(
    withPassword(
      new Command('edit')
        .description('edit an encrypted file in $EDITOR (the plaintext lives in memory-backed /dev/shm only)')
        .argument('<file>'),
    ).action((file: string, options: PasswordOptions) => {
      const password = readPassword(options, false);
      const plaintext = existsSync(file) ? decryptText(readText(file), password, file) : '';
      const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'drover-vault-'));
      const temp = join(dir, 'edit.yml');
      try {
        writeFileSync(temp, plaintext, { mode: 0o600 });
        const editor = process.env.VISUAL ?? process.env.EDITOR ?? 'vi';
        const result = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', temp], { stdio: 'inherit' });
        if (result.status !== 0)
          throw new VaultError(`the editor exited with ${result.status}; ${file} was not changed`);
        const edited = readFileSync(temp, 'utf8');
        // An Ansible vault stays one (with its vault id), so ansible-vault can still open it.
        const original = existsSync(file) ? readText(file) : '';
        const format = original.trimStart().startsWith(ANSIBLE_VAULT_PREFIX) ? 'ansible' : 'drover';
        if (edited !== plaintext) writeFileSync(file, encryptAs(format, edited, password, ansibleVaultId(original)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
  vault.addCommand(
    withFormat(
      withPassword(
        new Command('encrypt-string')
          .description('encrypt a secret read from stdin and print a YAML line ready to paste')
          .option('--name <name>', 'the variable name', 'secret'),
      ),
    ).action((options: PasswordOptions & FormatOption & { name: string }) => {
      const secret = readStdin().replace(/\r?\n$/, '');
      if (secret === '')
        throw new UsageError(
          'no secret on stdin: pipe it in, e.g. printf %s "s3cret" | drover vault encrypt-string --name db_password',
        );
      const block = encryptAs(options.format, secret, readPassword(options, false));
      process.stdout.write(
        `${options.name}: !vault |\n${block
          .trimEnd()
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n')}\n`,
      );
    }),
  );
  return vault;
}

interface FormatOption {
  format: 'drover' | 'ansible';
}

function encryptAs(format: 'drover' | 'ansible', text: string, password: string, vaultId?: string): string {
  return format === 'ansible' ? encryptAnsibleVault(text, password, vaultId) : encryptText(text, password);
}
