import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { upgradeHistoryEntry, type DriftHistoryEntry } from './history-entry.js';
import { DroverError } from '../errors.js';

/** The history could not be read or written. */
export class DriftHistoryError extends DroverError {
  override name = 'DriftHistoryError';
}

/**
 * The state directory: --state-dir, else `.drover/` beside the first inventory path
 * (in the current directory for a "host1,host2," list).
 */
export function resolveStateDir(stateDir: string | undefined, inventories: string[]): string {
  if (stateDir) return resolve(stateDir);
  const first = inventories[0];
  if (first === undefined || (first.includes(',') && !existsSync(first))) return resolve('.drover');
  return join(dirname(resolve(first)), '.drover');
}

export function resolveDriftDir(stateDir: string): string {
  return join(stateDir, 'drift');
}

function indexPath(stateDir: string): string {
  return join(resolveDriftDir(stateDir), 'index.jsonl');
}

/** A run id that sorts by time and is a safe file name: 2026-11-21T17-00-00.000Z. */
export function newRunId(startedAt: Date, stateDir: string): string {
  const base = startedAt.toISOString().replace(/:/g, '-');
  let id = base;
  for (let n = 2; existsSync(join(resolveDriftDir(stateDir), 'runs', `${id}.json`)); n++) id = `${base}-${n}`;
  return id;
}

/** Past runs, oldest first. A damaged line (a run cut short while writing) is passed over. */
export function readHistory(stateDir: string): { entries: DriftHistoryEntry[]; damaged: number } {
  const path = indexPath(stateDir);
  if (!existsSync(path)) return { entries: [], damaged: 0 };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DriftHistoryError(`cannot read the drift history ${path}: ${(cause as Error).message}`, { cause });
  }
  const entries: DriftHistoryEntry[] = [];
  let damaged = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as DriftHistoryEntry;
      if (entry?.version === 1 && typeof entry.startedAt === 'string' && entry.hosts && typeof entry.hosts === 'object')
        entries.push(upgradeHistoryEntry(entry));
      else damaged++;
    } catch {
      damaged++;
    }
  }
  entries.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return { entries, damaged };
}

/** Writes a run's full report under runs/ (atomically) and returns its path. */
export function writeRunFile(stateDir: string, id: string, report: unknown): string {
  const path = join(resolveDriftDir(stateDir), 'runs', `${id}.json`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(report, null, 2)}\n`);
    renameSync(temp, path);
  } catch (cause) {
    throw new DriftHistoryError(
      `cannot write the drift history under ${stateDir} (set another place with --state-dir DIR): ${(cause as Error).message}`,
      { cause },
    );
  }
  return path;
}

/** Appends one run to the index; one line per run, so concurrent runs do not overwrite each other. */
export function appendHistory(stateDir: string, entry: DriftHistoryEntry): void {
  const path = indexPath(stateDir);
  try {
    mkdirSync(dirname(path), { recursive: true });
    // A line cut short by a crash must not swallow the next run's line.
    const needsNewline = existsSync(path) && !endsWithNewline(path);
    appendFileSync(path, `${needsNewline ? '\n' : ''}${JSON.stringify(entry)}\n`);
  } catch (cause) {
    throw new DriftHistoryError(
      `cannot write the drift history ${path} (set another place with --state-dir DIR): ${(cause as Error).message}`,
      { cause },
    );
  }
}

function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
