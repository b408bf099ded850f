import { revealVaultValue } from './keyring.js';

/** Starts the message of a YAML error that is really a vault problem (readers word it differently). */
export const VAULT_ERROR_PREFIX = 'vault: ';

/**
 * The `!vault` YAML tag for a file being read: the value is decrypted as the file is parsed and
 * registered as a secret; a failure becomes a YAML error at the value's position.
 */
export function vaultYamlTag(file: string) {
  return {
    tag: '!vault',
    resolve: (value: string, onError: (message: string) => void) => {
      try {
        return revealVaultValue(value, file);
      } catch (error) {
        onError(`${VAULT_ERROR_PREFIX}${(error as Error).message}`);
        return '';
      }
    },
  };
}
