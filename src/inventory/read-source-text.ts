import { readFileSync } from 'node:fs';
import { revealFileText } from '../vault/keyring.js';
import { InventoryError } from './inventory-error.js';

/** A file's text; a vault-encrypted file is decrypted in memory. */
export function readSourceText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InventoryError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        file,
        hint: 'check the path and its permissions',
        cause: error,
      },
    );
  }
  try {
    return revealFileText(text, file);
  } catch (error) {
    throw new InventoryError((error as Error).message, {
      file,
      hint: 'give the vault password with --vault-password-file FILE',
      cause: error,
    });
  }
}
