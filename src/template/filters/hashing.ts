/** hash, checksum, md5, sha1, password_hash, to_uuid. */
import { createHash, getHashes } from 'node:crypto';
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { cryptHash, randomSalt, type CryptScheme } from '../python/crypt.js';
import { pyStr } from '../python/repr.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

const digest = (algorithm: string, input: unknown) => createHash(algorithm).update(pyStr(input), 'utf8').digest('hex');

const SCHEMES: Record<string, CryptScheme> = {
  sha512: 'sha512',
  sha512_crypt: 'sha512',
  sha256: 'sha256',
  sha256_crypt: 'sha256',
  md5: 'md5',
  md5_crypt: 'md5',
};

function passwordHash(input: unknown, ...args: unknown[]): string {
  const {
    hashtype = 'sha512',
    salt,
    salt_size,
    rounds,
  } = bindArguments('password_hash', args, ['hashtype', 'salt', 'salt_size', 'rounds', 'ident']);
  const scheme = SCHEMES[pyStr(hashtype)];
  if (!scheme)
    throw new TemplateSyntaxError(
      `password_hash: '${pyStr(hashtype)}' is not supported (use sha512, sha256 or md5; bcrypt is not)`,
    );
  const saltText =
    salt === undefined || salt === null ? randomSalt(Number(salt_size ?? (scheme === 'md5' ? 8 : 16))) : pyStr(salt);
  if (!/^[./0-9A-Za-z]*$/.test(saltText))
    throw new TemplateSyntaxError('password_hash: a salt may only hold the characters ./0-9A-Za-z');
  return cryptHash(
    pyStr(input),
    scheme,
    saltText,
    rounds === undefined || rounds === null ? undefined : Number(rounds),
  );
}

/** Python's uuid.uuid5 of a name, in Ansible's namespace by default. */
function toUuid(input: unknown, namespace: unknown = '361E6D51-FAEC-444A-9079-341386DA8E2E'): string {
  const space = Buffer.from(pyStr(namespace).replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(space).update(pyStr(input), 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const HASHING_FILTERS: Record<string, Filter> = {
  hash: (input, hashtype = 'sha1') => {
    const name = pyStr(hashtype).toLowerCase();
    if (!getHashes().includes(name)) throw new TemplateSyntaxError(`hash: unsupported hash type '${name}'`);
    return digest(name, input);
  },
  checksum: (input) => digest('sha1', input),
  sha1: (input) => digest('sha1', input),
  md5: (input) => digest('md5', input),
  password_hash: passwordHash,
  to_uuid: toUuid,
};
