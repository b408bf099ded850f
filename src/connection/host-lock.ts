/**
 * The per-host lock two drover runs take, so they do not edit one file at the same time (two
 * lineinfile runs at once used to lose lines). One session per host holds it for the whole run:
 * a shell on the host makes the lock directory, prints "locked", then waits for its stdin to
 * close. When the run ends, or the connection drops, the shell exits and its trap removes the
 * directory; a lock left by a shell killed outright is taken over once its PID is gone.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { quote } from '../remote/quote.js';

/** What the session prints once it holds the lock. */
export const LOCKED_LINE = 'drover-host-lock: locked';
/** What it prints, once, while another run holds the lock: `PREFIX PID HOLDER`. */
export const WAITING_PREFIX = 'drover-host-lock: waiting';

/** A mark for a lock taken outside a playbook run (each run passes its own). */
const PROCESS_TOKEN = randomBytes(12).toString('hex');

/**
 * Root's lock lives in /run/lock; another user's in its runtime directory (or /tmp), one per user.
 * Several inventory hosts of one run may be one machine (local hosts, two names for one address):
 * a session that finds the lock held by its own run (the same token) shares it instead of waiting
 * for itself. Two runs in one process have two tokens.
 */
export function buildHostLockScript(
  holder = `drover pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}`,
  token = PROCESS_TOKEN,
): string {
  return [
    'if [ "$(id -u)" = 0 ] && [ -d /run/lock ]; then d=/run/lock; else d=${XDG_RUNTIME_DIR:-/tmp}; fi',
    'l="$d/drover-host-lock.$(id -u).d"',
    'said=; young=0',
    'while ! mkdir "$l" 2>/dev/null; do',
    `  if [ "$(cat "$l/run" 2>/dev/null)" = ${quote(token)} ]; then printf '%s\\n' '${LOCKED_LINE}'; exec cat >/dev/null; fi`,
    '  pid=$(cat "$l/pid" 2>/dev/null) || pid=',
    // No pid yet: the lock is being taken (or was left half-made, which is stale after 5 s).
    '  if [ -z "$pid" ]; then young=$((young+1)); [ "$young" -le 50 ] || { rm -rf "$l"; young=0; }; sleep 0.1 2>/dev/null || sleep 1; continue; fi',
    // The holder's shell is gone (killed outright): its lock is stale.
    '  if ! kill -0 "$pid" 2>/dev/null && [ ! -d "/proc/$pid" ]; then rm -rf "$l"; continue; fi',
    `  [ -n "$said" ] || { printf '%s %s %s\\n' '${WAITING_PREFIX}' "\${pid:-?}" "$(cat "$l/holder" 2>/dev/null)"; said=1; }`,
    '  sleep 1',
    'done',
    `trap 'rm -rf "$l"' EXIT`,
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM",
    `printf '%s\\n' ${quote(token)} > "$l/run"`,
    'printf "%s\\n" "$$" > "$l/pid"',
    `printf '%s\\n' ${quote(holder)} > "$l/holder"`,
    `printf '%s\\n' '${LOCKED_LINE}'`,
    // Held until drover closes stdin, or the session ends.
    'cat >/dev/null',
  ].join('\n');
}

/** Reads the session's output lines until it holds the lock; reports a wait once. */
export class HostLockReader {
  private buffered = '';
  locked = false;

  constructor(private readonly onWaiting: (holderPid: string, holder: string) => void) {}

  /** Feeds stdout; true once the lock is held. */
  feed(chunk: string): boolean {
    if (this.locked) return true;
    this.buffered += chunk;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      if (line === LOCKED_LINE) return (this.locked = true);
      if (line.startsWith(`${WAITING_PREFIX} `)) {
        const [pid, ...holder] = line.slice(WAITING_PREFIX.length + 1).split(' ');
        this.onWaiting(pid, holder.join(' '));
      }
    }
    return false;
  }
}
