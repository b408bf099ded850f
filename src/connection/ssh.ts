import pLimit from 'p-limit';
import { quote } from '../remote/quote.js';
import { wrapBecome } from './become.js';
import { withRemoteDeadline } from './remote-deadline.js';
import { forwardThrough, resolveJumpHosts } from './proxy-jump.js';
import type { AuthSources } from './ssh-auth.js';
import { holdOnChannel, runOnChannel } from './ssh-exec.js';
import { execKeepingOffCommandLine } from './keep-off-command-line.js';
import { openLink, SshLinkError, type SshClient } from './ssh-link.js';
import { resolveSshSettings, type ResolvedSshSettings } from './ssh-settings.js';
import {
  UnreachableError,
  type Connection,
  type ConnectionSettings,
  type ExecOptions,
  type ExecResult,
  type HeldSession,
} from './types.js';

/** OpenSSH's default MaxSessions: more parallel channels on one connection would be refused. */
export const MAX_CHANNELS_PER_CONNECTION = 10;
const RETRY_BASE_DELAY_MS = 500;
const RETRY_MAX_DELAY_MS = 8_000;
/** How long a link may take to close once drover has said goodbye, before its socket is dropped. */
const CLOSE_GRACE_MS = 2_000;

export interface SshConnectionOptions extends AuthSources {
  /** ~/.ssh/config when omitted. */
  sshConfigPath?: string;
}

/**
 * One SSH connection per host, opened once and reused for the whole run; commands run on parallel
 * exec channels (at most MAX_CHANNELS_PER_CONNECTION at a time, the rest wait their turn).
 */
export class SshConnection implements Connection {
  readonly host: string;
  execCount = 0;
  /** Jump hosts first, the target last. */
  private links: SshClient[] = [];
  private resolved?: ResolvedSshSettings;
  private lostReason?: string;
  private readonly limit = pLimit(MAX_CHANNELS_PER_CONNECTION);
  private readonly lostListeners = new Set<(error: Error) => void>();

  constructor(
    readonly settings: ConnectionSettings,
    private readonly options: SshConnectionOptions = {},
  ) {
    this.host = settings.host;
  }

  async connect(): Promise<void> {
    if (this.links.length > 0) return;
    const resolved = this.resolveSettings();
    for (let attempt = 0; ; attempt++) {
      try {
        this.links = await this.openChain(resolved);
        break;
      } catch (error) {
        const retryable = error instanceof SshLinkError && error.retryable;
        if (!retryable || attempt >= resolved.connectRetries) throw toUnreachable(this.host, error);
        await delay(retryDelayMs(attempt));
      }
    }
    this.resolved = resolved;
    this.links.forEach((link, index) =>
      this.watchLink(link, index === this.links.length - 1 ? undefined : `jump host link`),
    );
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return execKeepingOffCommandLine(
      {
        host: this.host,
        lineBytes: (line, lineOptions) => Buffer.byteLength(this.buildLine(line, lineOptions).line),
        execLine: (line, lineOptions) => this.execLine(line, lineOptions),
      },
      command,
      options,
    );
  }

  /** The exec line for a command: through sudo when becoming another user, under a deadline on the host. */
  private buildLine(command: string, options: ExecOptions): { line: string; needsSudo: boolean; timeoutMs: number } {
    const become = options.become;
    const needsSudo = become !== undefined && (become.user ?? 'root') !== (this.resolved?.user ?? this.settings.user);
    const timeoutMs = options.timeoutMs ?? this.resolved?.commandTimeoutMs ?? 0;
    return {
      line: withRemoteDeadline(needsSudo ? wrapBecome(command, become) : command, timeoutMs),
      needsSudo,
      timeoutMs,
    };
  }

  private execLine(command: string, options: ExecOptions): Promise<ExecResult> {
    const client = this.links.at(-1);
    if (!client || !this.resolved)
      return Promise.reject(
        new UnreachableError(this.host, `not connected to ${this.host} (connect() was not called or failed)`),
      );
    this.execCount++;
    const become = options.become;
    const { line, needsSudo, timeoutMs } = this.buildLine(command, options);
    return this.limit(async () => {
      if (this.lostReason) throw new UnreachableError(this.host, this.lostReason);
      try {
        return await runOnChannel(client, {
          host: this.host,
          line,
          stdin: options.stdin,
          timeoutMs,
          become: needsSudo ? become : undefined,
          onLinkLost: (fail) => {
            this.lostListeners.add(fail);
            return () => this.lostListeners.delete(fail);
          },
        });
      } catch (error) {
        if (this.lostReason) throw new UnreachableError(this.host, this.lostReason, { cause: error });
        if (error instanceof Error && error.name === 'Error') {
          // ssh2's own errors (channel refused, not connected) mean the link is unusable.
          throw new UnreachableError(this.host, `${this.host}: ${error.message}`, { cause: error });
        }
        throw error;
      }
    });
  }

  hold(command: string, ready: (stdout: string) => boolean): Promise<HeldSession> {
    const client = this.links.at(-1);
    if (!client)
      return Promise.reject(
        new UnreachableError(this.host, `not connected to ${this.host} (connect() was not called or failed)`),
      );
    // Its own channel, outside the channel limit: it stays open for the whole run.
    return holdOnChannel(client, this.host, `/bin/sh -c ${quote(command)}`, ready);
  }

  async close(): Promise<void> {
    this.lostReason ??= `connection to ${this.host} was closed`;
    const links = this.links.reverse();
    this.links = [];
    for (const link of links) endLink(link);
  }

  private resolveSettings(): ResolvedSshSettings {
    try {
      return resolveSshSettings(this.settings, this.options.sshConfigPath);
    } catch (error) {
      throw toUnreachable(this.host, error);
    }
  }

  /** Opens each jump host in turn, each through the previous one, then the target. */
  private async openChain(target: ResolvedSshSettings): Promise<SshClient[]> {
    const hops = target.proxyJump
      ? resolveJumpHosts(target, target.proxyJump, this.settings.privateKeyFile, this.options.sshConfigPath)
      : [];
    const opened: SshClient[] = [];
    try {
      for (const hop of [...hops, target]) {
        const via = opened.at(-1);
        const sock = via ? await forwardThrough(via, hops[opened.length - 1].address, hop) : undefined;
        try {
          opened.push(await openLink(hop, this.options, sock));
        } catch (error) {
          if (hop === target || !(error instanceof UnreachableError)) throw error;
          throw new SshLinkError(
            target.host,
            `jump host ${hop.address}: ${error.message}`,
            error instanceof SshLinkError && error.retryable,
            { cause: error },
          );
        }
      }
      return opened;
    } catch (error) {
      for (const link of opened.reverse()) link.end();
      throw error;
    }
  }

  /** After login, a link error or close makes the host unreachable and fails every running command. */
  private watchLink(link: SshClient, role: string | undefined): void {
    const lose = (reason: string) => {
      if (this.lostReason) return;
      this.lostReason = `lost the connection to ${this.host}${role ? ` (${role})` : ''}: ${reason}`;
      const error = new UnreachableError(this.host, this.lostReason);
      for (const fail of [...this.lostListeners]) fail(error);
      this.lostListeners.clear();
      for (const other of this.links) endLink(other);
    };
    link.on('error', (error: Error) =>
      lose(/keepalive/i.test(error.message) ? 'no answer to keepalives' : error.message),
    );
    link.on('close', () => lose('the host closed the connection'));
  }
}

/**
 * Says goodbye on a link and lets it close. ssh2's end() only half-closes the socket and stops the
 * keepalives, so on a network that went silent the host's FIN never comes and the socket would keep
 * drover running until TCP gives up (15 minutes or more with Linux's defaults): a socket still open
 * after the grace is dropped. ssh2's destroy() does nothing once end() was called, hence the socket.
 */
function endLink(link: SshClient): void {
  link.end();
  const socket = (link as unknown as { _sock?: { destroyed?: boolean; destroy(): void } })._sock;
  if (!socket || socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  // Waits only while the socket itself keeps the process alive.
  timer.unref();
  link.once('close', () => clearTimeout(timer));
}

function toUnreachable(host: string, error: unknown): UnreachableError {
  if (error instanceof UnreachableError) return error;
  return new UnreachableError(host, (error as Error).message, { cause: error });
}

/** Backoff before connection attempt `attempt + 2`: 0.5 s, 1 s, 2 s, 4 s, then 8 s each time. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_BASE_DELAY_MS * 2 ** attempt, RETRY_MAX_DELAY_MS);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
