import { randomBytes } from 'node:crypto';
import type { ProbeOutput } from '../modules/types.js';

export interface ProbeRequest {
  key: string;
  script: string;
}

/**
 * Joins the probes of several tasks into one script, so a host answers them all in one remote
 * exec. Each probe runs in its own subshell with stdin closed; its output is framed by markers
 * carrying a random nonce (so no probe output can forge one) and its exit status.
 */
export function buildProbeBatch(requests: ProbeRequest[]): { script: string; nonce: string } {
  const nonce = randomBytes(8).toString('hex');
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
