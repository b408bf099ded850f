import { readPasswordFile, setVaultPassword, setVaultPasswordSource } from '../vault/keyring.js';
import { promptSecretSync } from './prompt-secret.js';

export interface VaultOptions {
  vaultPasswordFile?: string;
  askVaultPass?: boolean;
}

/** Where the vault password comes from: --vault-password-file, DROVER_VAULT_PASSWORD_FILE, or a prompt when needed. */
export function configureVaultPassword(options: VaultOptions): void {
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
