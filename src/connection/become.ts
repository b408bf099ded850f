import { quote } from '../remote/quote.js';
import { BecomeError, type BecomeOptions } from './types.js';

/** Marker sudo prints as its password prompt, so the transport knows when to send the password. */
export const SUDO_PROMPT = '[drover-sudo-password]';
/** Printed on stderr by the wrapped command once sudo has let it run: from then on stdin is the command's. */
export const BECOME_READY = '[drover-become-ready]';

/**
 * Wraps a command so it runs as another user through sudo. The password, if any, is never part of
 * the command line: sudo reads it from stdin after printing SUDO_PROMPT on stderr.
 */
export function wrapBecome(command: string, become: BecomeOptions): string {
  const user = become.user ?? 'root';
  // The marker tells sudo's own failures (wrong password, not in sudoers) apart from the command's.
  const inner = `printf '%s\\n' ${quote(BECOME_READY)} >&2; ${command}`;
  if (become.password === undefined) {
    return `sudo -n -H -u ${quote(user)} -- /bin/sh -c ${quote(inner)}`;
  }
  return `sudo -S -p ${quote(SUDO_PROMPT)} -H -u ${quote(user)} -- /bin/sh -c ${quote(inner)}`;
}

/**
 * Drives the password handshake on a running command's streams: answers sudo's prompt once,
 * then hands stdin to the command when it reports ready. Stderr bytes that belong to the command
 * are passed through; a second prompt means the password was wrong.
 */
export class BecomeHandshake {
  private buffered = '';
  private ready = false;
  private prompted = false;

  constructor(
    private readonly host: string,
    /** Undefined for sudo -n: the handshake then only waits for the ready marker. */
    private readonly password: string | undefined,
    private readonly write: (data: string) => void,
    private readonly onReady: () => void,
  ) {}

  /** Feeds stderr; returns the part of it that is the command's own output. */
  feed(chunk: string): string {
    if (this.ready) return chunk;
    this.buffered += chunk;
    if (this.buffered.includes(SUDO_PROMPT)) {
      if (this.password === undefined)
        throw new BecomeError(`sudo on ${this.host} asks for a password: set ansible_become_password`);
      if (this.prompted)
        throw new BecomeError(`sudo on ${this.host} rejected the become password (check ansible_become_password)`);
      this.prompted = true;
      this.buffered = this.buffered.replace(SUDO_PROMPT, '');
      this.write(`${this.password}\n`);
    }
    const at = this.buffered.indexOf(BECOME_READY);
    if (at === -1) return '';
    this.ready = true;
    const rest = this.buffered.slice(at + BECOME_READY.length).replace(/^\n/, '');
    this.buffered = '';
    this.onReady();
    return rest;
  }

  /** True once sudo has let the command run. */
  get isReady(): boolean {
    return this.ready;
  }

  /**
   * Why become failed when the command ended before sudo let it run, from sudo's own message
   * (a password is required, not in sudoers, unknown user).
   */
  failure(user: string | undefined): BecomeError | undefined {
    if (this.ready) return undefined;
    const said = this.leftover()
      .trim()
      .split('\n')
      .filter((line) => !line.includes(BECOME_READY))
      .join('; ');
    let hint = '';
    if (/password is required/i.test(said)) hint = ': set ansible_become_password, or allow NOPASSWD in sudoers';
    else if (/sudoers|not allowed/i.test(said))
      hint = `: the login user may not run commands as ${user ?? 'root'} through sudo`;
    else if (/not found/i.test(said)) hint = ': install sudo on the host';
    return new BecomeError(
      `become ${user ?? 'root'} on ${this.host} failed (${said || 'sudo exited before running the command'})${hint}`,
    );
  }

  /** What was held back if the command ended before it became ready (sudo's own error). */
  leftover(): string {
    return this.buffered.replace(/Sorry, try again\.\n?/g, '');
  }
}
