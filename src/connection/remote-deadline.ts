import { quote } from '../remote/quote.js';

/** How long after the local timeout the host's own deadline strikes, so the local error always wins. */
export const REMOTE_DEADLINE_GRACE_MS = 2_000;

/**
 * Gives a command its own deadline on the host (coreutils timeout: TERM to the command's process
 * group, KILL 5 s later). Closing an SSH channel does not stop a command, and sshd refuses signal
 * requests on root logins, so without this a timed-out command would keep running (holding locks).
 */
export function withRemoteDeadline(line: string, timeoutMs: number): string {
  const seconds = ((timeoutMs + REMOTE_DEADLINE_GRACE_MS) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return `timeout -k 5 ${seconds} /bin/sh -c ${quote(line)}`;
}
