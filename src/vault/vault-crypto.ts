import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { ANSIBLE_VAULT_PREFIX, AnsibleVaultFormatError, ansibleVaultId, decryptAnsibleVault } from './ansible-vault.js';
import { DroverError } from '../errors.js';

/** First line of every vault block: format name, version, cipher and key derivation. */
export const VAULT_HEADER = '$DROVER_VAULT;1;AES256-GCM;scrypt';

const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// scrypt cost: about 50 ms and 32 MiB per derivation on a small machine; derived keys are cached per salt.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export class VaultError extends DroverError {
  override name = 'VaultError';

  override report(): string {
    return `ERROR: vault: ${this.message}`;
  }
}

const keyCache = new Map<string, Buffer>();

function deriveKey(password: string, salt: Buffer): Buffer {
  const cacheKey = `${salt.toString('hex')}:${password}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = scryptSync(password.normalize('NFC'), salt, 32, SCRYPT);
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** Encrypts text into a vault block: the header line, then base64 lines of salt|nonce|tag|ciphertext. */
export function encryptText(plaintext: string, password: string): string {
  if (password === '') throw new VaultError('the vault password is empty');
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(password, salt), nonce);
  // The header is authenticated too, so it cannot be swapped for another version's.
  cipher.setAAD(Buffer.from(VAULT_HEADER));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const blob = Buffer.concat([salt, nonce, cipher.getAuthTag(), body]).toString('base64');
  const lines = blob.match(/.{1,76}/g) ?? [''];
  return `${VAULT_HEADER}\n${lines.join('\n')}\n`;
}

/** drover's own vault blocks and Ansible's. */
export function isVaultText(text: string): boolean {
  const start = text.trimStart();
  return start.startsWith('$DROVER_VAULT;') || start.startsWith(ANSIBLE_VAULT_PREFIX);
}

/** Decrypts a vault block; a wrong password or a damaged block is a VaultError, never garbage. */
export function decryptText(block: string, password: string, where = 'vault data'): string {
  const [header, ...rest] = block.trim().split(/\r?\n/);
  if (header.startsWith(ANSIBLE_VAULT_PREFIX)) return decryptAnsibleBlock(block, password, where);
  if (header.trim() !== VAULT_HEADER) {
    throw new VaultError(
      `${where}: unknown vault header '${header.trim()}' (expected ${VAULT_HEADER} or an Ansible vault, $ANSIBLE_VAULT;1.1;AES256)`,
    );
  }
  const blob = Buffer.from(rest.join('').replace(/\s+/g, ''), 'base64');
  if (blob.length < SALT_BYTES + NONCE_BYTES + TAG_BYTES) throw new VaultError(`${where}: the vault data is truncated`);
  const salt = blob.subarray(0, SALT_BYTES);
  const nonce = blob.subarray(SALT_BYTES, SALT_BYTES + NONCE_BYTES);
  const tag = blob.subarray(SALT_BYTES + NONCE_BYTES, SALT_BYTES + NONCE_BYTES + TAG_BYTES);
  const body = blob.subarray(SALT_BYTES + NONCE_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(password, salt), nonce);
  decipher.setAAD(Buffer.from(VAULT_HEADER));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new VaultError(`${where}: wrong vault password, or the data was changed`, { cause: error });
  }
}

function decryptAnsibleBlock(block: string, password: string, where: string): string {
  let plaintext: string | undefined;
  try {
    plaintext = decryptAnsibleVault(block, password);
  } catch (error) {
    if (error instanceof AnsibleVaultFormatError) throw new VaultError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
  if (plaintext === undefined) {
    const id = ansibleVaultId(block);
    throw new VaultError(`${where}: wrong vault password${id ? ` for vault id '${id}'` : ''}, or the data was changed`);
  }
  return plaintext;
}
