/**
 * PostgreSQL password verifiers, computed on the controller so a plan can tell whether a role's
 * stored password is already the wanted one without the password ever reaching the host's argv.
 * SCRAM-SHA-256 follows RFC 5802/7677 as PostgreSQL stores it:
 *   SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>
 */
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

/** PostgreSQL's default (scram_iterations before 16, and its default since). */
export const SCRAM_ITERATIONS = 4096;

const SCRAM_FORMAT = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/** True for passwords PostgreSQL's SASLprep leaves unchanged (pure ASCII), whose verifier this module can build. */
export function isAsciiPassword(password: string): boolean {
  return /^[\x00-\x7f]*$/.test(password);
}

/** SCRAM-SHA-256 verifier of password bytes with this salt and iteration count. */
export function buildScramVerifier(password: string | Buffer, salt: Buffer, iterations = SCRAM_ITERATIONS): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * The byte strings PostgreSQL may have hashed for this password: SASLprep keeps ASCII as is; for
 * other text it normalizes (NFKC, non-ASCII spaces to space, "mapped to nothing" characters
 * dropped), and uses the raw bytes when the result is prohibited. Both candidates are tried, so a
 * match is exact and a miss only means the password is set again.
 */
function passwordCandidates(password: string): string[] {
  if (isAsciiPassword(password)) return [password];
  const mapped = password
    .replace(/[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u00ad\u034f\u1806\u180b-\u180d\u200c\u200d\u2060\ufe00-\ufe0f\ufeff]/g, '')
    .normalize('NFKC');
  return mapped === password ? [password] : [mapped, password];
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** md5-format verifier: 'md5' + md5(password || role name), as PostgreSQL stores it. */
export function buildMd5Verifier(password: string, role: string): string {
  return `md5${createHash('md5')
    .update(password + role)
    .digest('hex')}`;
}

/** Salt and iterations of a stored SCRAM verifier; undefined for other formats. */
export function readScramParameters(stored: string): { salt: Buffer; iterations: number } | undefined {
  const match = SCRAM_FORMAT.exec(stored);
  return match ? { iterations: Number(match[1]), salt: Buffer.from(match[2], 'base64') } : undefined;
}

/** Whether the stored verifier (pg_authid.rolpassword) accepts this password for this role. */
export function verifyPostgresPassword(stored: string | undefined, password: string, role: string): boolean {
  if (!stored) return false;
  const scram = readScramParameters(stored);
  if (scram)
    return passwordCandidates(password).some((candidate) =>
      sameText(buildScramVerifier(candidate, scram.salt, scram.iterations), stored),
    );
  if (/^md5[0-9a-f]{32}$/.test(stored)) return sameText(buildMd5Verifier(password, role), stored);
  return false;
}
