import { randomBytes } from 'node:crypto';
import type { Connection, BecomeOptions, ExecOptions, ExecResult } from '../connection/types.js';
import type { Change, ProbeOutput } from '../modules/types.js';
import { buildPutFileScript } from '../remote/put-file.js';
import { dashSafePath, quote } from '../remote/quote.js';
import { MAX_EXEC_LINE_BYTES } from '../connection/keep-off-command-line.js';
import { buildProbeBatch, ProbeBudget, splitProbeBatch, type ProbeRequest } from './probe-batch.js';

/**
 * How many probes ride along with a group of changes. A quarter of the exec line limit keeps a
 * group that feeds a put on stdin a plain exec line (a longer one costs an extra exec to stage),
 * with room for the quoting of become and the remote deadline.
 */
export const CARRY_LIMITS = { count: 8, bytes: MAX_EXEC_LINE_BYTES / 4 };

export interface ApplyOptions {
  /** The task's become settings; a change's own `user` overrides the user. */
  become?: BecomeOptions;
  /** Per change: a group of changes in one exec gets this much for each of them. */
  timeoutMs?: number;
}

/** What executing a group of changes did: one result per change that ran, in order. */
export interface GroupResult {
  /** The changes that ran; after a failure, the failed one is the last and the rest did not run. */
  results: ExecResult[];
  /** The probes' answers, when they were sent and every change succeeded (see carryProbes for which were sent). */
  answers: Map<string, ProbeOutput>;
}

/**
 * The probes that go along with a group of changes, within CARRY_LIMITS. The next task is likely
 * to change too in a cold run, and a change empties the probe cache, so a long window here would
 * be probed again and again; a short one saves the next task its own exec.
 */
function carryProbes(lines: Array<{ line: string }>, probes: ProbeRequest[]): ProbeRequest[] {
  const used = lines.reduce((sum, { line }) => sum + Buffer.byteLength(line) + 200, 0);
  const budget = new ProbeBudget({ count: CARRY_LIMITS.count, bytes: Math.max(0, CARRY_LIMITS.bytes - used) }, true);
  const carried: ProbeRequest[] = [];
  for (const probe of probes) {
    if (!budget.take(probe)) break;
    carried.push(probe);
  }
  return carried;
}

/** Executes one planned change on the host. This is the only place that changes a host. */
export async function applyChange(conn: Connection, change: Change, options: ApplyOptions = {}): Promise<ExecResult> {
  const { line, stdin, become } = changeLine(change, options);
  return conn.exec(line, { stdin, become, timeoutMs: options.timeoutMs });
}

/**
 * Splits a task's changes into groups that can each run in one exec: same user, and at most one
 * change reading stdin (a put's content, or a command's input), since a group has one stdin.
 */
export function groupChanges(changes: readonly Change[], options: ApplyOptions = {}): Change[][] {
  const groups: Change[][] = [];
  let userOfGroup: string | undefined;
  let stdinTaken = false;
  for (const change of changes) {
    const { stdin, become } = changeLine(change, options);
    const user = become?.user ?? '';
    const group = groups.at(-1);
    if (group && user === userOfGroup && !(stdin !== undefined && stdinTaken)) {
      group.push(change);
      stdinTaken ||= stdin !== undefined;
      continue;
    }
    groups.push([change]);
    userOfGroup = user;
    stdinTaken = stdin !== undefined;
  }
  return groups;
}

/**
 * Executes a group of changes (see groupChanges) in one exec, in order, stopping at the first
 * that fails; then, in the same exec and only when all succeeded, the probes of the tasks after
 * them (those that fit: see carryProbes), so a cold run costs one round trip per task instead of
 * one per change plus one per probe.
 * Each change's own stdout, stderr and exit status come back as they would from applyChange.
 */
export async function applyChanges(
  conn: Connection,
  changes: readonly Change[],
  wanted: ProbeRequest[],
  options: ApplyOptions = {},
): Promise<GroupResult> {
  if (changes.length === 0) throw new Error('applyChanges needs at least one change');
  const lines = changes.map((change) => changeLine(change, options));
  const probes = carryProbes(lines, wanted);
  const timeoutMs = options.timeoutMs === undefined ? undefined : options.timeoutMs * changes.length;
  if (changes.length === 1 && probes.length === 0)
    return { results: [await applyChange(conn, changes[0], options)], answers: new Map() };
  const nonce = randomBytes(8).toString('hex');
  const marker = (index: number) => `@@drover-change-${nonce}-${index}@@`;
  const script: string[] = [];
  lines.forEach(({ line, stdin }, index) => {
    script.push(
      `( ${line}\n)${stdin === undefined ? ' </dev/null' : ''}`,
      'drover_rc=$?',
      // The markers close this change's output on both streams and carry its status.
      `printf '\\n%s %s\\n' '${marker(index)}' "$drover_rc"`,
      `printf '\\n%s\\n' '${marker(index)}' >&2`,
      '[ "$drover_rc" -eq 0 ] || exit "$drover_rc"',
    );
  });
  const batch = probes.length > 0 ? buildProbeBatch(probes) : undefined;
  // Probe noise on stderr would read as a change's own.
  if (batch) script.push(`( ${batch.script}\n) </dev/null 2>/dev/null`);
  script.push('exit 0');
  const stdin = lines.find((l) => l.stdin !== undefined)?.stdin;
  const raw = await conn.exec(script.join('\n'), { stdin, become: lines[0].become, timeoutMs });
  return splitGroupOutput(raw, changes.length, marker, batch && { probes, nonce: batch.nonce });
}

function splitGroupOutput(
  raw: ExecResult,
  count: number,
  marker: (index: number) => string,
  batch: { probes: ProbeRequest[]; nonce: string } | undefined,
): GroupResult {
  const results: ExecResult[] = [];
  let stdout = raw.stdout;
  let stderr = raw.stderr;
  for (let index = 0; index < count; index++) {
    const out = new RegExp(`\\n${marker(index)} (\\d+)\\n`).exec(stdout);
    const errAt = stderr.indexOf(`\n${marker(index)}\n`);
    if (!out) {
      // The exec ended inside this change (killed, or the shell itself failed): it gets the rest.
      results.push({
        ...raw,
        stdout,
        stderr: errAt === -1 ? stderr : stderr.slice(0, errAt),
        code: raw.code === 0 ? 1 : raw.code,
      });
      return { results, answers: new Map() };
    }
    const code = Number(out[1]);
    results.push({ stdout: stdout.slice(0, out.index), stderr: errAt === -1 ? stderr : stderr.slice(0, errAt), code });
    stdout = stdout.slice(out.index + out[0].length);
    stderr = errAt === -1 ? '' : stderr.slice(errAt + marker(index).length + 2);
    if (code !== 0) return { results, answers: new Map() };
  }
  return { results, answers: batch ? splitProbeBatch(batch.probes, batch.nonce, stdout) : new Map() };
}

function changeLine(
  change: Change,
  options: ApplyOptions,
): { line: string; stdin?: ExecOptions['stdin']; become?: BecomeOptions } {
  const become =
    change.kind === 'command' && change.user !== undefined ? { ...options.become, user: change.user } : options.become;
  // A put of a controller file streams the file: the transport reads it as it sends it.
  if (change.kind === 'put')
    return {
      line: buildPutFileScript(change),
      stdin: change.source ? { path: change.source.path } : change.content,
      become,
    };
  const line = change.cwd === undefined ? change.command : `cd ${quote(dashSafePath(change.cwd))} && ${change.command}`;
  return { line, stdin: change.stdin, become };
}
