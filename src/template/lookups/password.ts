/**
 * lookup('password', 'credentials/db length=20 chars=ascii_letters,digits'): a random password,
 * stored in clear in that file (relative to the playbook's directory) so that later runs read the
 * same one, as Ansible's password lookup does. encrypt=sha512_crypt returns its crypt hash (the
 * salt is stored too). /dev/null stores nothing.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { registerSecret } from '../../secrets/mask.js';
import { TemplateSyntaxError } from '../errors.js';
import type { RenderSession } from '../jinja/session.js';
import { cryptHash, randomSalt, type CryptScheme } from '../python/crypt.js';
import { pyStr } from '../python/repr.js';

const CHARACTER_SETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  printable:
    '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c',
  whitespace: ' \t\n\r\x0b\x0c',
};

const SCHEMES: Record<string, CryptScheme> = { sha512_crypt: 'sha512', sha256_crypt: 'sha256', md5_crypt: 'md5' };

interface Parameters {
  path: string;
  length: number;
  chars: string;
  encrypt?: CryptScheme;
}

/** 'path key=value ...': the chars list is comma-separated, ',,' standing for a comma. */
function parseTerm(term: string, keywords: Record<string, unknown>): Parameters {
  const [path, ...rest] = term.trim().split(/\s+/);
  const options: Record<string, string> = Object.fromEntries(
    Object.entries(keywords).map(([key, value]) => [
      key,
      Array.isArray(value) ? value.map(pyStr).join(',') : pyStr(value),
    ]),
  );
  for (const part of rest) {
    const at = part.indexOf('=');
    if (at <= 0) throw new TemplateSyntaxError(`lookup('password'): unrecognized value '${part}' after the path`);
    options[part.slice(0, at)] = part.slice(at + 1);
  }
  const unknown = Object.keys(options).find((key) => !['length', 'chars', 'encrypt', 'seed', 'ident'].includes(key));
  if (unknown) throw new TemplateSyntaxError(`lookup('password'): unknown parameter '${unknown}'`);
  const specs =
    options.chars === undefined ? ['ascii_letters', 'digits', '.,:-_'] : options.chars.replace(/,,/g, '\0').split(',');
  const chars = [
    ...new Set(
      specs.flatMap((spec) => [...(CHARACTER_SETS[spec] ?? spec.replace(/\0/g, ','))]).filter((char) => char !== ''),
    ),
  ].join('');
  let encrypt: CryptScheme | undefined;
  if (options.encrypt !== undefined) {
    encrypt = SCHEMES[options.encrypt];
    if (!encrypt)
      throw new TemplateSyntaxError(
        `lookup('password'): encrypt=${options.encrypt} is not supported (use sha512_crypt, sha256_crypt or md5_crypt)`,
      );
  }
  if (options.seed !== undefined) throw new TemplateSyntaxError("lookup('password'): seed= is not supported");
  const length = Number(options.length ?? 20);
  if (!Number.isInteger(length) || length < 1)
    throw new TemplateSyntaxError(`lookup('password'): length must be a whole number`);
  if (chars === '') throw new TemplateSyntaxError("lookup('password'): chars gives no characters");
  return { path, length, chars, encrypt };
}

function readStored(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/\n+$/, '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function passwordLookup(session: RenderSession, term: string, keywords: Record<string, unknown>): string {
  const { path, length, chars, encrypt } = parseTerm(term, keywords);
  const base = typeof session.vars.playbook_dir === 'string' ? session.vars.playbook_dir : process.cwd();
  const file = isAbsolute(path) ? path : resolve(base, path);
  const discard = file === '/dev/null';
  const stored = discard ? undefined : readStored(file);
  let password: string;
  let salt: string | undefined;
  if (stored === undefined) {
    password = Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
  } else {
    const at = stored.lastIndexOf(' salt=');
    password = at === -1 ? stored : stored.slice(0, at);
    salt = at === -1 ? undefined : stored.slice(at + ' salt='.length).split(' ident=')[0];
  }
  if (encrypt && !salt) salt = randomSalt(encrypt === 'md5' ? 8 : 16);
  if (!discard && (stored === undefined || (encrypt && !stored.includes(' salt=')))) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${password}${salt && encrypt ? ` salt=${salt}` : ''}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  registerSecret(password);
  return encrypt ? cryptHash(password, encrypt, salt!) : password;
}
