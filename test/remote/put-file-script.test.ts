import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPutFileScript } from '../../src/remote/put-file.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-put-script-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function temps(): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.drover.'));
}

function put(path: string, content: string | Buffer, stdin: string | Buffer = content) {
  return spawnSync('/bin/sh', ['-c', buildPutFileScript({ path, content })], {
    input: stdin,
    encoding: 'utf8',
    cwd: dir,
  });
}

/** Starts a put whose stdin stays open, waits until its temp file exists, then sends it a signal. */
async function signalDuringPut(signal: NodeJS.Signals): Promise<{ status: number | string; temps: string[] }> {
  const path = join(dir, 'f');
  writeFileSync(path, 'old');
  const child = spawn('/bin/sh', ['-c', buildPutFileScript({ path, content: Buffer.alloc(1 << 20) })], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.stdin.on('error', () => {});
  child.stdin.write(Buffer.alloc(1000));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, name) => resolve(code ?? name ?? -1)),
  );
  const deadline = Date.now() + 5_000;
  while (temps().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  // As the host's `timeout` or a closing session does: to the process group, the shell and its cat.
  process.kill(-child.pid!, signal);
  const status = await exited;
  expect(readFileSync(path, 'utf8')).toBe('old');
  return { status, temps: temps() };
}

describe('the put script', () => {
  it('leaves the old file and no temp when stdin ends early, and says how much arrived', () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'old\n');
    const result = put(path, Buffer.alloc(10_000, 'n'), Buffer.alloc(4_000, 'n'));
    expect(result.status).toBe(4);
    expect(result.stderr).toContain('the file did not arrive whole (4000 of 10000 bytes)');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(temps()).toEqual([]);
  });

  it('leaves the old file when the bytes differ though the size is right', () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'old\n');
    const result = put(path, 'new\n', 'NEW\n');
    expect(result.status).toBe(4);
    expect(result.stderr).toContain('the file did not arrive intact');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
  });

  it('counts the bytes of a text content as UTF-8, as it is sent', () => {
    const path = join(dir, 'f');
    const text = 'größe: 10 €\n';
    expect(put(path, text).status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('quotes the size, the checksum and a destination with shell characters in it', () => {
    const path = join(dir, `it's "$(touch pwned)" %s \\n`);
    expect(put(path, 'x').status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('x');
    expect(readdirSync(dir)).not.toContain('pwned');
    const short = put(path, 'xyz', 'y');
    expect(short.status).toBe(4);
    expect(short.stderr).toContain(`(1 of 3 bytes): the transfer was cut short, ${path} is left as it was`);
  });

  for (const [signal, code] of [
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGPIPE', 141],
    ['SIGTERM', 143],
  ] as const) {
    it(`removes its temp file on ${signal}`, async () => {
      expect(await signalDuringPut(signal)).toEqual({ status: code, temps: [] });
    });
  }

  it('killed outright leaves a temp named by its PID, which the next put into the directory removes', async () => {
    const { status, temps: left } = await signalDuringPut('SIGKILL');
    expect(status).toBe('SIGKILL');
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.drover\.\d+\.[A-Za-z0-9]{6}$/);
    expect(put(join(dir, 'other'), 'new').status).toBe(0);
    expect(temps()).toEqual([]);
  });

  it('removes a leftover whose PID came back as a process started after it, and keeps the temp of a running put', () => {
    // A process that started now, and a leftover last written ten minutes ago under its PID.
    const newer = spawn('sleep', ['30']);
    const leftover = join(dir, `.drover.${newer.pid}.abcDEF`);
    writeFileSync(leftover, 'part');
    spawnSync('touch', ['-d', '10 minutes ago', leftover]);
    // This test's own process started before its temp was written: a put that is running.
    const running = join(dir, `.drover.${process.pid}.ghiJKL`);
    writeFileSync(running, 'part');
    try {
      expect(put(join(dir, 'other'), 'new').status).toBe(0);
      expect(temps()).toEqual([`.drover.${process.pid}.ghiJKL`]);
    } finally {
      newer.kill();
    }
  });
});
