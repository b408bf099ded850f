/**
 * The crypt(3) hashes Ansible's password_hash writes and /etc/shadow reads: SHA-512 ($6$), SHA-256
 * ($5$) and MD5 ($1$), after Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" and
 * Poul-Henning Kamp's md5crypt.
 */
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type CryptScheme = 'sha512' | 'sha256' | 'md5';

const ORDERS: Record<CryptScheme, { groups: number[][]; tail: [number[], number] }> = {
  sha512: {
    groups: [
      [0, 21, 42],
      [22, 43, 1],
      [44, 2, 23],
      [3, 24, 45],
      [25, 46, 4],
      [47, 5, 26],
      [6, 27, 48],
      [28, 49, 7],
      [50, 8, 29],
      [9, 30, 51],
      [31, 52, 10],
      [53, 11, 32],
      [12, 33, 54],
      [34, 55, 13],
      [56, 14, 35],
      [15, 36, 57],
      [37, 58, 16],
      [59, 17, 38],
      [18, 39, 60],
      [40, 61, 19],
      [62, 20, 41],
    ],
    tail: [[-1, -1, 63], 2],
  },
  sha256: {
    groups: [
      [0, 10, 20],
      [21, 1, 11],
      [12, 22, 2],
      [3, 13, 23],
      [24, 4, 14],
      [15, 25, 5],
      [6, 16, 26],
      [27, 7, 17],
      [18, 28, 8],
      [9, 19, 29],
    ],
    tail: [[-1, 31, 30], 3],
  },
  md5: {
    groups: [
      [0, 6, 12],
      [1, 7, 13],
      [2, 8, 14],
      [3, 9, 15],
      [4, 10, 5],
    ],
    tail: [[-1, -1, 11], 2],
  },
};

function encode(bytes: Buffer, scheme: CryptScheme): string {
  const { groups, tail } = ORDERS[scheme];
  const group = (indexes: number[], count: number) => {
    let word = indexes.reduce((acc, index) => (acc << 8) | (index < 0 ? 0 : bytes[index]), 0);
    let out = '';
    for (let i = 0; i < count; i++, word >>>= 6) out += ALPHABET[word & 0x3f];
    return out;
  };
  return groups.map((indexes) => group(indexes, 4)).join('') + group(tail[0], tail[1]);
}

/** Bytes of `source` repeated to `length`. */
function repeatTo(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length];
  return out;
}

function shaCrypt(password: Buffer, salt: Buffer, rounds: number, algorithm: 'sha512' | 'sha256'): Buffer {
  const digest = (...parts: Buffer[]) => {
    const hash = createHash(algorithm);
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  const size = algorithm === 'sha512' ? 64 : 32;
  const b = digest(password, salt, password);
  const a = createHash(algorithm).update(password).update(salt);
  a.update(repeatTo(b, password.length));
  for (let length = password.length; length > 0; length >>= 1) a.update(length & 1 ? b : password);
  let c = a.digest();
  const pBytes = repeatTo(digest(...Array<Buffer>(password.length).fill(password)), password.length);
  const sBytes = repeatTo(digest(...Array<Buffer>(16 + c[0]).fill(salt)), salt.length);
  for (let i = 0; i < rounds; i++) {
    const round = createHash(algorithm);
    round.update(i & 1 ? pBytes : c);
    if (i % 3) round.update(sBytes);
    if (i % 7) round.update(pBytes);
    round.update(i & 1 ? c : pBytes);
    c = round.digest();
  }
  return c.subarray(0, size);
}

function md5Crypt(password: Buffer, salt: Buffer): Buffer {
  const magic = Buffer.from('$1$');
  const alternate = createHash('md5').update(password).update(salt).update(password).digest();
  const context = createHash('md5').update(password).update(magic).update(salt);
  for (let length = password.length; length > 0; length -= 16)
    context.update(alternate.subarray(0, Math.min(length, 16)));
  for (let length = password.length; length > 0; length >>= 1)
    context.update(length & 1 ? Buffer.from([0]) : password.subarray(0, 1));
  let final = context.digest();
  for (let i = 0; i < 1000; i++) {
    const round = createHash('md5');
    round.update(i & 1 ? password : final);
    if (i % 3) round.update(salt);
    if (i % 7) round.update(password);
    round.update(i & 1 ? final : password);
    final = round.digest();
  }
  return final;
}

export function randomSalt(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** A crypt(3) string: $6$salt$hash ($6$rounds=N$salt$hash when the rounds are not 5000). */
export function cryptHash(password: string, scheme: CryptScheme, salt: string, rounds?: number): string {
  const secret = Buffer.from(password, 'utf8');
  if (scheme === 'md5') {
    const saltBytes = Buffer.from(salt.slice(0, 8), 'utf8');
    return `$1$${saltBytes.toString()}$${encode(md5Crypt(secret, saltBytes), 'md5')}`;
  }
  const count = Math.min(Math.max(rounds ?? 5000, 1000), 999999999);
  const saltBytes = Buffer.from(salt.slice(0, 16), 'utf8');
  const hash = encode(shaCrypt(secret, saltBytes, count, scheme), scheme);
  const id = scheme === 'sha512' ? '6' : '5';
  return `$${id}$${rounds === undefined || count === 5000 ? '' : `rounds=${count}$`}${saltBytes.toString()}$${hash}`;
}
