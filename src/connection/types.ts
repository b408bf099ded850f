/** The interface every transport (SSH, local) implements. The engine talks to hosts only through it. */
import { DroverError } from '../errors.js';

export interface BecomeOptions {
  /** The user to become; root when omitted. */
  user?: string;
  /** Sent on stdin when sudo asks for it; never placed on a command line. */
  password?: string;
}

/**
 * A file on the controller whose bytes become a command's stdin. The transport streams it (never
 * holding it whole in memory), after the become handshake when there is one.
 */
export interface StdinFile {
  /** The file's path on the controller. */
  path: string;
}

export interface ExecOptions {
  /** Written to the command's stdin (bytes, or a controller file streamed as it is read), then stdin is closed. */
  stdin?: string | Buffer | StdinFile;
  /** Per-command timeout; the command fails with CommandTimeoutError when it runs longer. */
  timeoutMs?: number;
  /** Run the command through sudo as another user. */
  become?: BecomeOptions;
}

/** A session started by Connection.hold. */
export interface HeldSession {
  /** Closes the session's stdin, so the command ends and lets go. */
  release(): Promise<void>;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Connection {
  /** Inventory name of the host. */
  readonly host: string;
  /** Opens the connection; called once, before the first exec. Throws UnreachableError. */
  connect(): Promise<void>;
  /** Runs a POSIX sh command line on the host. Throws UnreachableError when the link is lost. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
  /**
   * Starts a command that holds something on the host (the host lock) while its stdin stays open.
   * Resolves once `ready` says so from the command's output; rejects if the command ends first.
   * Not counted in execCount: it is one session for the whole run, not a command of the play.
   */
  hold?(command: string, ready: (stdout: string) => boolean): Promise<HeldSession>;
  /** How many remote execs this connection has made (reported, and counted by benchmarks). */
  readonly execCount: number;
}

/** Connection settings after inventory vars, ~/.ssh/config and CLI options are merged. */
export interface ConnectionSettings {
  host: string;
  transport: 'ssh' | 'local';
  address: string;
  /** Inventory port; when omitted ~/.ssh/config's Port applies, then 22. */
  port?: number;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  knownHostsFiles?: string[];
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  proxyJump?: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  become?: boolean;
  becomeUser?: string;
  becomePassword?: string;
  /** Extra connection attempts after a network failure (refused, timed out, reset), with backoff. */
  connectRetries?: number;
  /** How often an idle link is probed; after 3 unanswered probes the host is unreachable. */
  keepaliveIntervalMs?: number;
}

export class UnreachableError extends DroverError {
  override name = 'UnreachableError';
  constructor(
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class CommandTimeoutError extends DroverError {
  override name = 'CommandTimeoutError';
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`command on ${host} did not finish within ${timeoutMs} ms`, options);
  }
}

export class BecomeError extends DroverError {
  override name = 'BecomeError';
}
