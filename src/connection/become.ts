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
  if (become.password === undefined) {
    return `sudo -n -H -u ${quote(user)} -- /bin/sh -c ${quote(command)}`;
  }
  const inner = `printf '%s\\n' ${quote(BECOME_READY)} >&2; ${command}`;
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
    private readonly password: string,
    private readonly write: (data: string) => void,
    private readonly onReady: () => void,
  ) {}

  /** Feeds stderr; returns the part of it that is the command's own output. */
  feed(chunk: string): string {
    if (this.ready) return chunk;
    this.buffered += chunk;
    if (this.buffered.includes(SUDO_PROMPT)) {
      if (this.prompted) throw new BecomeError(`sudo on ${this.host} rejected the become password`);
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

  /** What was held back if the command ended before it became ready (sudo's own error). */
  leftover(): string {
    return this.buffered.replace(/Sorry, try again\.\n?/g, '');
  }
}
