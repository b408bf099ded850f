/** Large random files, and runs of the built drover CLI that report the peak resident memory of its process. */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessResult } from './run-process.js';

const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));

/** A random file written in pieces, so the test's own process never holds it whole; returns its sha256. */
export function writeRandomFile(path: string, size: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  for (let written = 0; written < size;) {
    const piece = randomBytes(Math.min(4 * 1024 * 1024, size - written));
    hash.update(piece);
    writeSync(fd, piece);
    written += piece.length;
  }
  closeSync(fd);
  return hash.digest('hex');
}

/** The sha256 of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/*
 * How the peak is measured: drover runs with a module preloaded (node --import) that, at the
 * process's exit, reads VmHWM from /proc/self/status: the kernel's own high-water mark of the
 * process's resident memory since it started node. Read by the process itself after all its work,
 * it cannot miss a peak between two samples as polling /proc from outside can, and the shells and
 * cats that drover starts are not counted. (process.resourceUsage().maxRSS would not do: getrusage's
 * ru_maxrss survives exec, so it also counts the memory of the test process, which the child
 * shares between fork and exec.) No file means drover did not exit normally, and the run throws.
 */
const HOOK = [
  "import { readFileSync, writeFileSync } from 'node:fs';",
  "process.on('exit', () => {",
  "  const kib = /^VmHWM:\\s*(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1];",
  '  writeFileSync(process.env.DROVER_TEST_PEAK_RSS_FILE, String(Number(kib) * 1024));',
  '});',
  '',
].join('\n');

export interface MeasuredRun extends ProcessResult {
  /** Peak resident memory of the drover process, in bytes. */
  peakRss: number;
}

/** `drover ARGS` with plain output and these extra environment variables, measured. */
export async function runDroverMeasured(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<MeasuredRun> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-peak-rss-'));
  try {
    const hook = join(dir, 'peak-rss-at-exit.mjs');
    const report = join(dir, 'peak');
    writeFileSync(hook, HOOK);
    const result = await runProcess(process.execPath, ['--import', hook, BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...options.env, DROVER_TEST_PEAK_RSS_FILE: report },
      timeoutMs: options.timeoutMs ?? 300_000,
    });
    let peakRss: number;
    try {
      peakRss = Number(readFileSync(report, 'utf8'));
    } catch {
      throw new Error(`drover did not report its peak memory (exit ${result.code}): ${result.stdout}${result.stderr}`);
    }
    return { ...result, peakRss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes as decimal megabytes, for messages. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
