/**
 * Ansible's vault format (1.1, and 1.2 with a vault id), so an Ansible project's encrypted files and
 * `!vault` values load as they are: `$ANSIBLE_VAULT;1.1;AES256`, then the hex of
 * "hex(salt)\nhex(hmac)\nhex(ciphertext)". Keys come from PBKDF2-SHA256 (10,000 rounds, 80 bytes:
 * the AES key, the HMAC key, the counter), the cipher is AES-256-CTR over PKCS#7-padded text, and
 * the HMAC-SHA256 of the ciphertext is checked before anything is decrypted.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { DroverError } from '../errors.js';

export const ANSIBLE_VAULT_PREFIX = '$ANSIBLE_VAULT;';

const ROUNDS = 10_000;
const keyCache = new Map<string, { aes: Buffer; hmac: Buffer; iv: Buffer }>();

/** Why an Ansible vault block could not be read (the caller adds where it was). */
export class AnsibleVaultFormatError extends DroverError {
  override name = 'AnsibleVaultFormatError';
}

function deriveKeys(password: string, salt: Buffer) {
  const cacheKey = `${salt.toString('hex')}:${password}`;
  let keys = keyCache.get(cacheKey);
  if (!keys) {
    const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ROUNDS, 80, 'sha256');
    keys = { aes: derived.subarray(0, 32), hmac: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
    keyCache.set(cacheKey, keys);
  }
  return keys;
}

/** The vault id of a 1.2 block (`$ANSIBLE_VAULT;1.2;AES256;prod`), if it has one. */
export function ansibleVaultId(block: string): string | undefined {
  const fields = block.trimStart().split(/\r?\n/, 1)[0].trim().split(';');
  return fields[1] === '1.2' ? fields[3] : undefined;
}

/** Decrypts an Ansible vault block; undefined when the password does not fit it (HMAC mismatch). */
export function decryptAnsibleVault(block: string, password: string): string | undefined {
  const [header, ...lines] = block.trim().split(/\r?\n/);
  const fields = header.trim().split(';');
  if (fields[0] !== '$ANSIBLE_VAULT' || !['1.1', '1.2'].includes(fields[1] ?? ''))
    throw new AnsibleVaultFormatError(
      `unsupported Ansible vault header '${header.trim()}' (drover reads versions 1.1 and 1.2)`,
    );
  if (fields[2] !== 'AES256')
    throw new AnsibleVaultFormatError(`unsupported Ansible vault cipher '${fields[2] ?? ''}' (drover reads AES256)`);
  const inner = Buffer.from(lines.join('').replace(/\s+/g, ''), 'hex').toString('latin1').split('\n');
  if (inner.length !== 3 || inner.some((part) => !/^[0-9a-f]+$/i.test(part)))
    throw new AnsibleVaultFormatError('the Ansible vault data is damaged or truncated');
  const [salt, hmac, ciphertext] = inner.map((part) => Buffer.from(part, 'hex'));
  const keys = deriveKeys(password, salt);
  const expected = createHmac('sha256', keys.hmac).update(ciphertext).digest();
  if (expected.length !== hmac.length || !timingSafeEqual(expected, hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', keys.aes, keys.iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded.at(-1) ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length)
    throw new AnsibleVaultFormatError('the Ansible vault data has bad padding');
  return padded.subarray(0, padded.length - pad).toString('utf8');
}

/** Encrypts text as ansible-vault does (1.1, or 1.2 with a vault id): `drover vault encrypt --format ansible`. */
export function encryptAnsibleVault(plaintext: string, password: string, vaultId?: string): string {
  const salt = randomBytes(32);
  const keys = deriveKeys(password, salt);
  const data = Buffer.from(plaintext, 'utf8');
  const pad = 16 - (data.length % 16);
  const cipher = createCipheriv('aes-256-ctr', keys.aes, keys.iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), cipher.final()]);
  const hmac = createHmac('sha256', keys.hmac).update(ciphertext).digest();
  const body = Buffer.from([salt, hmac, ciphertext].map((part) => part.toString('hex')).join('\n'), 'latin1').toString(
    'hex',
  );
  const header = vaultId ? `$ANSIBLE_VAULT;1.2;AES256;${vaultId}` : '$ANSIBLE_VAULT;1.1;AES256';
  return `${header}\n${(body.match(/.{1,80}/g) ?? ['']).join('\n')}\n`;
}
