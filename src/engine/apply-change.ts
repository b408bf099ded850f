import { randomBytes } from 'node:crypto';
import type { Connection, BecomeOptions, ExecResult } from '../connection/types.js';
import type { Change, ProbeOutput } from '../modules/types.js';
import { buildPutFileScript } from '../remote/put-file.js';
import { quote } from '../remote/quote.js';
import { buildProbeBatch, splitProbeBatch, type ProbeRequest } from './probe-batch.js';

export interface ApplyOptions {
  /** The task's become settings; a change's own `user` overrides the user. */
  become?: BecomeOptions;
  timeoutMs?: number;
}

/** Executes one planned change on the host. This is the only place that changes a host. */
export async function applyChange(conn: Connection, change: Change, options: ApplyOptions = {}): Promise<ExecResult> {
  const { line, stdin, become } = changeLine(change, options);
  return conn.exec(line, { stdin, become, timeoutMs: options.timeoutMs });
}

/**
 * Executes a change and, in the same exec and only when it succeeded, the probes of the tasks
 * after it: a cold run then costs one round trip per change instead of two. The change's own
 * stdout, stderr and exit status come back as they would from applyChange.
 */
export async function applyChangeThenProbe(
  conn: Connection,
  change: Change,
  probes: ProbeRequest[],
  options: ApplyOptions = {},
): Promise<{ result: ExecResult; answers: Map<string, ProbeOutput> }> {
  const { line, stdin, become } = changeLine(change, options);
  const marker = `@@drover-applied-${randomBytes(8).toString('hex')}@@`;
  const batch = buildProbeBatch(probes);
  const script = [
    `( ${line}\n)`,
    'drover_rc=$?',
    `printf '\\n%s\\n' '${marker}'`,
    // Probe noise on stderr would read as the change's own.
    `[ "$drover_rc" -eq 0 ] && ( ${batch.script}\n) </dev/null 2>/dev/null`,
    'exit "$drover_rc"',
  ].join('\n');
  const raw = await conn.exec(script, { stdin, become, timeoutMs: options.timeoutMs });
  const at = raw.stdout.lastIndexOf(`\n${marker}\n`);
  if (at === -1) return { result: raw, answers: new Map() };
  const probeStdout = raw.stdout.slice(at + marker.length + 2);
  return { result: { ...raw, stdout: raw.stdout.slice(0, at) }, answers: splitProbeBatch(probes, batch.nonce, probeStdout) };
}

function changeLine(change: Change, options: ApplyOptions): { line: string; stdin?: string | Buffer; become?: BecomeOptions } {
  const become = change.kind === 'command' && change.user !== undefined ? { ...options.become, user: change.user } : options.become;
  if (change.kind === 'put') return { line: buildPutFileScript(change), stdin: change.content, become };
  const line = change.cwd === undefined ? change.command : `cd ${quote(change.cwd)} && ${change.command}`;
  return { line, stdin: change.stdin, become };
}
