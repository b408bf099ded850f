import { randomBytes } from 'node:crypto';
import type { ProbeOutput } from '../modules/types.js';

export interface ProbeRequest {
  key: string;
  script: string;
  /** The probe of a no_log task: verbose output shows a placeholder instead of its script. */
  hidden?: boolean;
}

/** The batch's script as -vvvv shows it: the probes of no_log tasks left out. */
export function describeProbeBatch(requests: ProbeRequest[], script: string, nonce: string): string {
  if (!requests.some((request) => request.hidden)) return script;
  return buildProbeBatch(
    requests.map((request) =>
      request.hidden ? { ...request, script: ': probe of a no_log task, not shown' } : request,
    ),
    nonce,
  ).script;
}

/**
 * How much one exec carries. A large batch goes to the host on stdin (see keep-off-command-line),
 * so these bound the script the host's shell parses and the answer the controller holds, not the
 * command line: a play of 1,000 file tasks fits in two execs.
 */
export const PROBE_BATCH_LIMITS = { count: 1000, bytes: 1024 * 1024 };

/** The bytes a request adds to a batch: its script and the markers around it. */
export function measureProbe(request: ProbeRequest): number {
  return Buffer.byteLength(request.script) + 120;
}

/**
 * Adds requests to a batch while it stays within `limits`. Unless `optional`, the first of all
 * always goes, however big: a task's own probe is never left out.
 */
export class ProbeBudget {
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly limits: { count: number; bytes: number } = PROBE_BATCH_LIMITS,
    private readonly optional = false,
  ) {}

  /** Takes the request if it fits (or is the first of a batch that needs one); false when it does not. */
  take(request: ProbeRequest): boolean {
    const size = measureProbe(request);
    const first = this.count === 0 && !this.optional;
    if (!first && (this.count + 1 > this.limits.count || this.bytes + size > this.limits.bytes)) return false;
    this.count++;
    this.bytes += size;
    return true;
  }

  /** The most requests one batch takes. */
  get maxCount(): number {
    return this.limits.count;
  }

  get full(): boolean {
    return this.count >= this.limits.count || this.bytes >= this.limits.bytes;
  }
}

/**
 * Joins the probes of several tasks into one script, so a host answers them all in one remote
 * exec. Each probe runs in its own subshell with stdin closed; its output is framed by markers
 * carrying a random nonce (so no probe output can forge one) and its exit status.
 */
export function buildProbeBatch(
  requests: ProbeRequest[],
  nonce = randomBytes(8).toString('hex'),
): { script: string; nonce: string } {
  const parts = requests.map((request, index) =>
    [
      `printf '%s\\n' '@@drover-begin-${nonce}-${index}@@'`,
      `( ${request.script}\n) </dev/null`,
      `printf '\\n@@drover-end-${nonce}-${index} %s@@\\n' "$?"`,
    ].join('\n'),
  );
  return { script: parts.join('\n'), nonce };
}

/** Splits a batch's stdout back into one ProbeOutput per request key. */
export function splitProbeBatch(requests: ProbeRequest[], nonce: string, stdout: string): Map<string, ProbeOutput> {
  const answers = new Map<string, ProbeOutput>();
  requests.forEach((request, index) => {
    const begin = `@@drover-begin-${nonce}-${index}@@\n`;
    const start = stdout.indexOf(begin);
    const endPattern = new RegExp(`\\n@@drover-end-${nonce}-${index} (\\d+)@@\\n`);
    if (start === -1) return;
    const rest = stdout.slice(start + begin.length);
    const end = endPattern.exec(rest);
    if (!end) return;
    answers.set(request.key, { stdout: rest.slice(0, end.index), code: Number(end[1]) });
  });
  return answers;
}
