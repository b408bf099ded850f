/**
 * A command line holding a registered secret runs from a private temp file, never as the exec line;
 * a line too long for one exec argument goes through stdin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { SecretStagingError } from '../../src/connection/keep-off-command-line.js';
import type { SshConnection } from '../../src/connection/ssh.js';
import {
  CommandTimeoutError,
  type Connection,
  type ConnectionSettings,
  type ExecOptions,
} from '../../src/connection/types.js';
import { quote } from '../../src/remote/quote.js';
import { registerSecret } from '../../src/secrets/mask.js';
import { connectToSshd, createUser, startSshd, type TestSshd } from '../helpers/sshd.js';
import { whileSampling } from '../helpers/command-lines.js';

let sshd: TestSshd;
const cleanups: Array<() => void> = [];
const SUDO_PASSWORD = `sudo-pw-${process.pid}`;
const SECRET = `cmdline-secret-${process.pid}`;
// Shell-hostile: quote() escapes it, so the raw text is never in the line, only its quoted form.
const HOSTILE = `hostile-${process.pid}'"$HOME\`x\``;

beforeAll(async () => {
  registerSecret(SECRET);
  registerSecret(HOSTILE);
  sshd = await startSshd({ name: 'secretcmd', subnet: 27 });
  cleanups.push(createUser('drvnop27', 'unused-password', 'drvnop27 ALL=(ALL:ALL) NOPASSWD: ALL'));
  cleanups.push(createUser('drvbec27', SUDO_PASSWORD, 'drvbec27 ALL=(ALL:ALL) ALL'));
});

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  sshd?.stop();
});

async function connectAs(settings: Partial<ConnectionSettings>): Promise<SshConnection> {
  return connectToSshd(sshd, settings, cleanups);
}

/** Runs one exec while sampling every process command line every few ms. */
async function execSampled(connection: Connection, command: string, options: ExecOptions = {}) {
  return whileSampling(() => connection.exec(command, options));
}

/**
 * Reads stdin, checks the secret arrived intact, reports who ran it and whether its temp file is
 * still there ($0 is the file), then sleeps so the sampler sees it running. Only shell builtins
 * touch the secret, so no child process carries it either.
 */
function probeCommand(secret: string, exitCode: number): string {
  return [
    'read -r line',
    `[ "$line" = "from stdin" ] && echo stdin-ok`,
    `s=${quote(secret)}; [ "\${#s}" = ${secret.length} ] && echo secret-ok`,
    'id -un',
    'if [ -e "$0" ]; then echo "file-left $0"; else echo "file-gone $0"; fi',
    'echo to-stderr >&2',
    'sleep 1',
    `exit ${exitCode}`,
  ].join('\n');
}

function expectGuarded(
  run: { result: { code: number; stdout: string; stderr: string }; seen: string[] },
  secret: string,
  user: string,
  exitCode: number,
): void {
  const { result, seen } = run;
  expect(result.code).toBe(exitCode);
  const lines = result.stdout.trim().split('\n');
  expect(lines.slice(0, 3)).toEqual(['stdin-ok', 'secret-ok', user]);
  expect(lines[3]).toMatch(/^file-gone \/tmp\/drover-cmd\.\w+$/);
  expect(existsSync(lines[3].slice('file-gone '.length))).toBe(false);
  expect(result.stderr).toBe('to-stderr\n');
  // Not vacuous: the sampler saw the command running from its file.
  expect(seen.some((line) => line.includes('/tmp/drover-cmd.'))).toBe(true);
  const rawPart = secret.split(/['"$`]/)[0];
  expect(seen.filter((line) => line.includes(rawPart))).toEqual([]);
}

describe('a command line holding a secret, over SSH', () => {
  it('runs from a temp file: exit code, stdout, stderr and its own stdin unchanged, the file gone, the secret never in ps', async () => {
    const connection = await connectAs({ user: 'root' });
    expectGuarded(await execSampled(connection, probeCommand(SECRET, 3), { stdin: 'from stdin\n' }), SECRET, 'root', 3);
  });

  it('does the same for a secret in its quoted form (quotes, $ and backticks inside)', async () => {
    const connection = await connectAs({ user: 'root' });
    expectGuarded(
      await execSampled(connection, probeCommand(HOSTILE, 0), { stdin: 'from stdin\n' }),
      HOSTILE,
      'root',
      0,
    );
  });

  it("becomes another user without a password: the file is that user's, and still gone afterwards", async () => {
    const connection = await connectAs({ user: 'root' });
    expectGuarded(
      await execSampled(connection, probeCommand(SECRET, 0), { stdin: 'from stdin\n', become: { user: 'drvnop27' } }),
      SECRET,
      'drvnop27',
      0,
    );
  });

  it('becomes root with a sudo password: the password and the secret stay off every command line', async () => {
    const connection = await connectAs({ user: 'drvbec27' });
    const run = await execSampled(connection, probeCommand(SECRET, 5), {
      stdin: 'from stdin\n',
      become: { password: SUDO_PASSWORD },
    });
    expectGuarded(run, SECRET, 'root', 5);
    expect(run.seen.filter((line) => line.includes(SUDO_PASSWORD))).toEqual([]);
  });

  it('costs one extra exec only when the command holds a secret', async () => {
    const connection = await connectAs({ user: 'root' });
    const before = connection.execCount;
    expect((await connection.exec('echo plain')).stdout).toBe('plain\n');
    expect(connection.execCount - before).toBe(1);
    expect((await connection.exec(`printf %s ${quote(SECRET)} | wc -c`)).stdout.trim()).toBe(String(SECRET.length));
    expect(connection.execCount - before).toBe(3);
  });

  it('a command that times out still leaves no temp file', async () => {
    const connection = await connectAs({ user: 'root' });
    const marker = `/tmp/drover-secret-timeout-${process.pid}`;
    const error = await connection
      .exec(`echo "$0" > ${marker}; s=${quote(SECRET)}; sleep 30`, { timeoutMs: 1_000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    const path = readFileSync(marker, 'utf8').trim();
    expect(path).toMatch(/^\/tmp\/drover-cmd\./);
    expect(existsSync(path)).toBe(false);
    await connection.exec(`rm -f ${marker}`);
  });
});

describe('a command line holding a secret, on the local connection', () => {
  it('runs from a temp file with its stdin and exit code, the secret never in ps', async () => {
    const connection = new LocalConnection('local');
    const user = (await connection.exec('id -un')).stdout.trim();
    expectGuarded(await execSampled(connection, probeCommand(SECRET, 4), { stdin: 'from stdin\n' }), SECRET, user, 4);
  });

  it('does not run the command when its temp file cannot be written', async () => {
    const connection = new LocalConnection('local');
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = `/nonexistent-${process.pid}`;
    try {
      await expect(connection.exec(`echo ${quote(SECRET)}`)).rejects.toThrow(SecretStagingError);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});

/** A script far over the kernel's 128 KiB limit for one argument: many small echo lines, some quoted. */
function longScript(lines: number): string {
  return (
    Array.from({ length: lines }, (_, n) => `echo 'line ${n}' "it's" >/dev/null`).join('\n') +
    '\necho done; cat; exit 7'
  );
}

describe('a command line too long for one exec', () => {
  const script = longScript(8000);

  it('over SSH, runs in one exec through stdin: output, exit code and an empty stdin as with a short line', async () => {
    expect(Buffer.byteLength(script)).toBeGreaterThan(256 * 1024);
    const connection = await connectAs({ user: 'root' });
    const before = connection.execCount;
    const result = await connection.exec(script);
    expect(result).toEqual({ code: 7, stdout: 'done\n', stderr: '' });
    expect(connection.execCount - before).toBe(1);
  });

  it('over SSH with become and a sudo password, and with stdin of its own (staged in a temp file)', async () => {
    const connection = await connectAs({ user: 'drvbec27' });
    const viaSudo = await connection.exec(`${script.replace('echo done', 'id -un')}`, {
      become: { password: SUDO_PASSWORD },
    });
    expect(viaSudo).toEqual({ code: 7, stdout: 'root\n', stderr: '' });
    const before = connection.execCount;
    const withStdin = await connection.exec(script, { stdin: 'its own input\n' });
    expect(withStdin).toEqual({ code: 7, stdout: 'done\nits own input\n', stderr: '' });
    expect(connection.execCount - before).toBe(2);
  });

  it('on the local connection, the same', async () => {
    const connection = new LocalConnection('local');
    expect(await connection.exec(script)).toEqual({ code: 7, stdout: 'done\n', stderr: '' });
    expect(await connection.exec(script, { stdin: 'x\n' })).toEqual({ code: 7, stdout: 'done\nx\n', stderr: '' });
  });
});
