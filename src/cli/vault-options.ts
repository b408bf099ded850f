import { addVaultPassword, readPasswordFile, setVaultPassword, setVaultPasswordSource } from '../vault/keyring.js';
import { promptSecretSync } from './prompt-secret.js';

export interface VaultOptions {
  vaultPasswordFile?: string;
  askVaultPass?: boolean;
  /** --vault-id: `FILE`, `LABEL@FILE`, or `LABEL@prompt`, as ansible-playbook takes them. */
  vaultId?: string[];
}

/**
 * Where the vault passwords come from: --vault-id (each one tried in turn), --vault-password-file,
 * DROVER_VAULT_PASSWORD_FILE, or a prompt when needed.
 */
export function configureVaultPassword(options: VaultOptions): void {
  if (options.vaultId && options.vaultId.length > 0) {
    setVaultPasswords(options);
    return;
  }
  const file = options.vaultPasswordFile ?? process.env.DROVER_VAULT_PASSWORD_FILE;
  if (file) {
    setVaultPassword(readPasswordFile(file));
    return;
  }
  if (options.askVaultPass) {
    setVaultPassword(promptSecretSync('Vault password: '));
    return;
  }
  setVaultPasswordSource(() => promptSecretSync('Vault password: '));
}

function setVaultPasswords(options: VaultOptions): void {
  const file = options.vaultPasswordFile ?? process.env.DROVER_VAULT_PASSWORD_FILE;
  if (file) setVaultPassword(readPasswordFile(file));
  for (const entry of options.vaultId ?? []) {
    const at = entry.indexOf('@');
    const [id, source] = at === -1 ? [undefined, entry] : [entry.slice(0, at), entry.slice(at + 1)];
    const password =
      source === 'prompt' ? promptSecretSync(`Vault password${id ? ` (${id})` : ''}: `) : readPasswordFile(source);
    addVaultPassword(password, id || undefined);
  }
}
