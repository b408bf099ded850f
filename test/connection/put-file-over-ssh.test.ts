import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/connection/ssh.js';
import { buildPutFileScript } from '../../src/remote/put-file.js';
import { quote } from '../../src/remote/quote.js';
import { sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;
let connection: SshConnection;
let dir: string;
const SIZE = 1024 * 1024;
const versionA = Buffer.alloc(SIZE, 'a');
const versionB = Buffer.alloc(SIZE, 'b');

beforeAll(async () => {
  sshd = await startSshd({ name: 'putfile', subnet: 17 });
  const target = sshTarget(sshd);
  connection = new SshConnection(target.settings, target.options);
  await connection.connect();
  dir = mkdtempSync('/tmp/drover-putfile-');
});

afterAll(async () => {
  await connection?.close();
  sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts a reader on the host that checksums `path` in a loop until `stop` exists, while `write`
 * replaces the file; returns every checksum the reader saw.
 */
async function readWhileWriting(path: string, write: (content: Buffer) => Promise<void>): Promise<string[]> {
  const stop = `${path}.stop`;
  const reader = connection.exec(
    `while [ ! -e ${quote(stop)} ]; do cksum < ${quote(path)} 2>/dev/null || echo missing; done`,
  );
  for (let i = 0; i < 8; i++) await write(i % 2 === 0 ? versionB : versionA);
  writeFileSync(stop, '');
  const seen = (await reader).stdout.trim().split('\n');
  rmSync(stop);
  return seen;
}

async function checksum(content: Buffer): Promise<string> {
  return (await connection.exec('cksum', { stdin: content })).stdout.trim();
}

describe('atomic file transfer over SSH', { timeout: 180_000 }, () => {
  it('a reader looping during repeated writes of a large file only ever sees a whole version', async () => {
    const path = join(dir, 'large.conf');
    const whole = new Set([await checksum(versionA), await checksum(versionB)]);
    writeFileSync(path, versionA);
    const seen = await readWhileWriting(path, async (content) => {
      const result = await connection.exec(buildPutFileScript({ path }), { stdin: content });
      expect(result.code).toBe(0);
    });
    expect(seen.filter((line) => !whole.has(line))).toEqual([]);
    // Both versions were read, so the reads really overlapped the writes.
    expect(new Set(seen).size).toBe(2);
    expect(readFileSync(path).equals(versionA)).toBe(true);
  });

  it('a reader does catch a plain overwrite half-way (so the check above can fail)', async () => {
    const path = join(dir, 'plain.conf');
    const whole = new Set([await checksum(versionA), await checksum(versionB)]);
    writeFileSync(path, versionA);
    // A plain writer that pauses half-way, as a large write over a slow link does; the reader looks in the pause.
    // (A background job's stdin is /dev/null unless it is given one: fd 3 carries ours.)
    const script = `exec 3<&0; { head -c ${SIZE / 2} <&3; sleep 3; cat <&3; } > ${quote(path)} & sleep 1; cksum < ${quote(path)}; wait`;
    const during = (await connection.exec(script, { stdin: versionB })).stdout.trim();
    expect(whole.has(during)).toBe(false);
    expect(readFileSync(path).equals(versionB)).toBe(true);
  });

  it('keeps mode and owner of the replaced file, and sets those asked for', async () => {
    const path = join(dir, 'secret.conf');
    writeFileSync(path, 'old\n', { mode: 0o640 });
    await connection.exec(`chown nobody:nogroup ${quote(path)}`);
    expect((await connection.exec(buildPutFileScript({ path }), { stdin: 'new\n' })).code).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect((await connection.exec(`stat -c %U:%G ${quote(path)}`)).stdout).toBe('nobody:nogroup\n');
    await connection.exec(buildPutFileScript({ path, mode: '0600', owner: 'root', group: 'root' }), {
      stdin: 'newer\n',
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await connection.exec(`stat -c %U:%G ${quote(path)}`)).stdout).toBe('root:root\n');
    expect(readFileSync(path, 'utf8')).toBe('newer\n');
  });

  it('backup keeps each previous version, even two within one second', async () => {
    const path = join(dir, 'with backup.conf');
    writeFileSync(path, 'v1\n');
    const first = await connection.exec(buildPutFileScript({ path, backup: true }), { stdin: 'v2\n' });
    const second = await connection.exec(buildPutFileScript({ path, backup: true }), { stdin: 'v3\n' });
    const firstBackup = /^backup=(.+)$/m.exec(first.stdout)![1];
    const secondBackup = /^backup=(.+)$/m.exec(second.stdout)![1];
    expect(firstBackup).not.toBe(secondBackup);
    expect(readFileSync(firstBackup, 'utf8')).toBe('v1\n');
    expect(readFileSync(secondBackup, 'utf8')).toBe('v2\n');
    expect(readFileSync(path, 'utf8')).toBe('v3\n');
  });

  it('a failed validation leaves the old file and no temp file behind', async () => {
    const path = join(dir, 'validated.conf');
    writeFileSync(path, 'good\n');
    const result = await connection.exec(buildPutFileScript({ path, validate: 'grep -q good %s' }), { stdin: 'bad\n' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('validation failed: grep -q good %s');
    expect(readFileSync(path, 'utf8')).toBe('good\n');
    expect((await connection.exec(`ls -A ${quote(dir)}`)).stdout).not.toContain('.drover.');
  });
});
