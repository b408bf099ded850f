import { openSync, readSync, closeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { UsageError } from './exit-codes.js';

/**
 * Reads a secret from the terminal without echoing it. Synchronous on purpose: it is called
 * lazily, the first time a vault value is met while files are being read.
 */
export function promptSecretSync(
  question: string,
  withoutTerminal = 'use --vault-password-file FILE or set DROVER_VAULT_PASSWORD_FILE',
): string {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UsageError(
      `a password is needed (${question.replace(/:\s*$/, '').trim()}) and there is no terminal to ask on; ${withoutTerminal}`,
    );
  }
  try {
    // Echo goes off before the question shows, so an answer typed at once is not echoed either.
    execFileSync('stty', ['-echo'], { stdio: [fd, 'ignore', 'ignore'] });
    process.stderr.write(question);
    const buffer = Buffer.alloc(1);
    const bytes: number[] = [];
    while (readSync(fd, buffer, 0, 1, null) === 1 && buffer[0] !== 0x0a && buffer[0] !== 0x0d) bytes.push(buffer[0]);
    return Buffer.from(bytes).toString('utf8');
  } finally {
    try {
      execFileSync('stty', ['echo'], { stdio: [fd, 'ignore', 'ignore'] });
    } catch {
      // The terminal went away; nothing left to restore.
    }
    process.stderr.write('\n');
    closeSync(fd);
  }
}
