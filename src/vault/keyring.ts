import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { registerSecret } from '../secrets/mask.js';
import { ansibleVaultId } from './ansible-vault.js';
import { decryptText, isVaultText, VaultError } from './vault-crypto.js';

/**
 * The vault password of this run, set once by the CLI. Values tagged `!vault` and encrypted files
 * are decrypted on load, and every decrypted value is registered as a secret to be masked.
 */
/** The passwords to try, in order; with --vault-id each has a label. */
let passwords: Array<{ id?: string; password: string }> = [];
let passwordSource: (() => string) | undefined;
let decryption: 'on' | 'skip' = 'on';

/** Shown instead of a vault value by commands that only need host names (drover lab). */
export const UNDECRYPTED = '<vault-encrypted>';

/** For commands that never use variable values: vault data is left encrypted, so no password is asked. */
export function skipVaultDecryption(): void {
  decryption = 'skip';
}

export function setVaultPassword(value: string): void {
  passwords = [{ password: value }];
}

/** Adds a password to try (--vault-id LABEL@FILE); a vault id block tries its own label's first. */
export function addVaultPassword(value: string, id?: string): void {
  passwords.push({ id, password: value });
}

/** Where to read the password when a vault value first needs it (a file, or a prompt). */
export function setVaultPasswordSource(source: () => string): void {
  passwordSource = source;
}

function knownPasswords(where: string): Array<{ id?: string; password: string }> {
  if (passwords.length === 0 && passwordSource) passwords = [{ password: passwordSource() }];
  if (passwords.length === 0) {
    throw new VaultError(
      `${where} is vault-encrypted, but no vault password was given: use --vault-password-file FILE, --vault-id FILE, or set DROVER_VAULT_PASSWORD_FILE`,
    );
  }
  return passwords;
}

/** Decrypts with each password in turn (the block's own vault id first), as ansible-playbook does. */
function decryptWithKnownPasswords(block: string, where: string): string {
  const id = ansibleVaultId(block);
  const candidates = [...knownPasswords(where)].sort(
    (a, b) => Number(b.id !== undefined && b.id === id) - Number(a.id !== undefined && a.id === id),
  );
  let failure: unknown;
  for (const candidate of candidates) {
    try {
      return decryptText(block, candidate.password, where);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

export function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new VaultError(
      `cannot read the vault password file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

/** Decrypts a vault value found in YAML (`!vault |` block) and registers it as a secret. */
export function revealVaultValue(block: string, where: string): string {
  if (decryption === 'skip') return UNDECRYPTED;
  const plaintext = decryptWithKnownPasswords(block, where);
  registerSecret(plaintext);
  return plaintext;
}

/** A whole encrypted file's text, decrypted in memory only; the strings it holds become secrets. */
export function revealFileText(text: string, file: string): string {
  if (!isVaultText(text)) return text;
  if (decryption === 'skip') return '';
  const plaintext = decryptWithKnownPasswords(text, file);
  registerStringLeaves(plaintext);
  return plaintext;
}

/**
 * Every string value of a decrypted YAML file is a secret, however deep. Keys, numbers and
 * booleans are not: masking every "5432" or "true" in the output would hide more than it protects.
 * Text that is not YAML (an INI inventory) registers nothing here; its reader reports errors.
 */
function registerStringLeaves(plaintext: string): void {
  let value: unknown;
  try {
    value = parse(plaintext, { schema: 'yaml-1.1', customTags: [{ tag: '!vault', resolve: () => '' }] });
  } catch {
    return;
  }
  const visit = (node: unknown): void => {
    if (typeof node === 'string') registerSecret(node);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(value);
}

/** Replaces every `{ __vault__: block }` inside a parsed value by its plaintext. */
export function revealVaultValues(value: unknown, where: string): unknown {
  if (Array.isArray(value)) return value.map((item) => revealVaultValues(item, where));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.__vault__ === 'string' && Object.keys(record).length === 1)
      return revealVaultValue(record.__vault__, where);
    return Object.fromEntries(
      Object.entries(record).map(([key, item]) => [key, revealVaultValues(item, `${where}: ${key}`)]),
    );
  }
  return value;
}
