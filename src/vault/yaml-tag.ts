import { revealVaultValue } from './keyring.js';

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
        onError((error as Error).message);
        return '';
      }
    },
  };
}
