import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { StdinFileError } from '../../src/connection/stdin-file.js';
import { applyChanges } from '../../src/engine/apply-change.js';
import type { Change, FileSource } from '../../src/modules/types.js';
import { INCOMPLETE_TRANSFER_EXIT } from '../../src/remote/put-file.js';
import { quote } from '../../src/remote/quote.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const canSudo = spawnSync('sudo', ['-n', '-u', 'nobody', 'true']).status === 0;

let dir: string;
let bigPath: string;
let big: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-stdin-file-'));
  big = randomBytes(16 * 1024 * 1024 + 3);
  bigPath = join(dir, 'big.bin');
  writeFileSync(bigPath, big);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sourceOf = (path: string, bytes: Buffer): FileSource => ({ path, size: bytes.length, sha256: sha256(bytes) });
const putFrom = (path: string, source: FileSource): Change => ({ kind: 'put', path, source, summary: `put ${path}` });

describe('a controller file as stdin over the local connection', () => {
  it('reaches the command whole, in order', async () => {
    const conn = new LocalConnection('local');
    const result = await conn.exec('sha256sum', { stdin: { path: bigPath } });
    expect(result.code).toBe(0);
    expect(result.stdout.split(' ')[0]).toBe(sha256(big));
  });

  it.skipIf(!canSudo)(
    'reaches the command after sudo, read by the controller rather than the become user',
    async () => {
      const conn = new LocalConnection('local');
      const result = await conn.exec('id -un; sha256sum', { stdin: { path: bigPath }, become: { user: 'nobody' } });
      expect(result).toEqual({ code: 0, stdout: `nobody\n${sha256(big)}  -\n`, stderr: '' });
    },
  );

  it('a command that stops reading early gets its own exit status, not an error', async () => {
    const conn = new LocalConnection('local');
    const result = await conn.exec('head -c 5 >/dev/null; echo stopped; exit 3', { stdin: { path: bigPath } });
    expect(result).toEqual({ code: 3, stdout: 'stopped\n', stderr: '' });
  });

  it('a file that cannot be read fails the exec, naming the file', async () => {
    const conn = new LocalConnection('local');
    const missing = join(dir, 'missing.bin');
    const error = await conn.exec('cat >/dev/null', { stdin: { path: missing } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StdinFileError);
    expect((error as Error).message).toContain(`cannot read ${missing}`);
  });
});

describe('a put of a controller file', () => {
  it('runs with the changes of its group in one exec', async () => {
    const conn = new LocalConnection('local');
    const dest = join(dir, "dest 'one'.bin");
    const { results } = await applyChanges(
      conn,
      [
        putFrom(dest, sourceOf(bigPath, big)),
        { kind: 'command', command: `chmod 0600 ${quote(dest)}`, summary: 'chmod' },
      ],
      [],
    );
    expect(conn.execCount).toBe(1);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(sha256(readFileSync(dest))).toBe(sha256(big));
  });

  it('leaves the old file when the controller file changed after it was hashed', async () => {
    const conn = new LocalConnection('local');
    const src = join(dir, 'changing.bin');
    const hashed = randomBytes(2 * 1024 * 1024);
    writeFileSync(src, hashed);
    const source = sourceOf(src, hashed);
    const dest = join(dir, 'kept.bin');
    writeFileSync(dest, 'old\n');

    writeFileSync(src, randomBytes(hashed.length));
    const [other] = (await applyChanges(conn, [putFrom(dest, source)], [])).results;
    expect(other.code).toBe(INCOMPLETE_TRANSFER_EXIT);
    expect(other.stderr).toContain('the file did not arrive intact');

    writeFileSync(src, hashed.subarray(0, 1000));
    const [short] = (await applyChanges(conn, [putFrom(dest, source)], [])).results;
    expect(short.code).toBe(INCOMPLETE_TRANSFER_EXIT);
    expect(short.stderr).toContain(`the file did not arrive whole (1000 of ${hashed.length} bytes)`);

    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).filter((name) => name.startsWith('.drover.'))).toEqual([]);
  });
});
