import { StringDecoder } from 'node:string_decoder';
import { BecomeHandshake } from './become.js';
import type { SshClient } from './ssh-link.js';
import { sendStdin } from './stdin-file.js';
import {
  CommandTimeoutError,
  UnreachableError,
  type BecomeOptions,
  type ExecOptions,
  type ExecResult,
  type HeldSession,
} from './types.js';

export interface ChannelRequest {
  host: string;
  /** The full command line, already wrapped for sudo when becoming. */
  line: string;
  /** A controller file is streamed into the channel as the remote window allows. */
  stdin?: ExecOptions['stdin'];
  timeoutMs: number;
  /** Set when the line goes through sudo: stderr then carries the become handshake. */
  become?: BecomeOptions;
  /** Registers a callback that fails this command if the link drops; returns its unregister function. */
  onLinkLost(fail: (error: Error) => void): () => void;
}

/** Runs one command on its own exec channel and collects its output. */
export function runOnChannel(client: SshClient, request: ChannelRequest): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let channel: import('ssh2').ClientChannel | undefined;
    let stopStdin = () => {};
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unregister();
      stopStdin();
      action();
    };
    const abort = (error: Error) =>
      settle(() => {
        if (channel) {
          // Ask sshd to kill the command (OpenSSH 8.1+), then drop the channel either way.
          try {
            killRemote(channel);
            channel.close();
          } catch {}
        }
        reject(error);
      });
    const timer = setTimeout(() => abort(new CommandTimeoutError(request.host, request.timeoutMs)), request.timeoutMs);
    const unregister = request.onLinkLost(abort);

    openExecChannel(
      client,
      request.line,
      () => settled,
      (error, opened) => {
        if (error) return settle(() => reject(error));
        if (settled) {
          opened.close();
          return;
        }
        channel = opened;
        const stdout: Buffer[] = [];
        const decoder = new StringDecoder('utf8');
        let stderr = '';
        let exitCode: number | undefined;
        let exitSignal: string | undefined;
        const writeStdin = () => (stopStdin = sendStdin(opened, request.stdin, abort));
        const handshake = request.become
          ? new BecomeHandshake(request.host, request.become.password, (data) => opened.write(data), writeStdin)
          : undefined;
        opened.on('data', (chunk: Buffer) => stdout.push(chunk));
        opened.stderr.on('data', (chunk: Buffer) => {
          const text = decoder.write(chunk);
          try {
            stderr += handshake ? handshake.feed(text) : text;
          } catch (becomeError) {
            abort(becomeError as Error);
          }
        });
        opened.on('exit', (code: number | null, signal?: string) => {
          exitCode = code ?? undefined;
          exitSignal = signal;
        });
        opened.on('close', () => {
          if (exitCode === undefined && exitSignal === undefined) {
            // No exit status: the link went down. Give the connection a moment to report why.
            setTimeout(
              () => abort(new UnreachableError(request.host, 'the connection closed before the command finished')),
              200,
            );
            return;
          }
          settle(() => {
            stderr += decoder.end();
            const becomeFailure = handshake?.failure(request.become?.user);
            if (becomeFailure) return reject(becomeFailure);
            if (exitSignal)
              stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}killed by signal ${exitSignal}\n`;
            resolve({ code: exitCode ?? 255, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
          });
        });
        if (!handshake) writeStdin();
      },
    );
  });
}

type Channel = import('ssh2').ClientChannel;
const OPEN_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600];

/**
 * Opens an exec channel. sshd refuses a channel ("open failed") while it is still tearing down a
 * finished session or when its MaxSessions is below ours; such refusals are retried with backoff.
 */
function openExecChannel(
  client: SshClient,
  line: string,
  abandoned: () => boolean,
  done: (error: Error | undefined, channel: Channel) => void,
  attempt = 0,
): void {
  client.exec(line, (error, channel) => {
    const refused = error && (error as Error & { reason?: number }).reason === 2;
    if (refused && attempt < OPEN_RETRY_DELAYS_MS.length && !abandoned()) {
      setTimeout(() => openExecChannel(client, line, abandoned, done, attempt + 1), OPEN_RETRY_DELAYS_MS[attempt]);
      return;
    }
    done(error, channel);
  });
}

/**
 * Asks sshd to SIGKILL the command's process group (OpenSSH 8.1+). ssh2's channel.signal() refuses
 * once stdin is closed, so the request goes through its protocol object directly.
 */
function killRemote(channel: Channel): void {
  const internal = channel as unknown as {
    outgoing: { id: number; state: string };
    _client: { _protocol: { signal(id: number, name: string): void } };
  };
  if (internal.outgoing && internal.outgoing.state !== 'closed')
    internal._client._protocol.signal(internal.outgoing.id, 'KILL');
}

/** How long a released session may take to end before its channel is closed anyway. */
const RELEASE_GRACE_MS = 2_000;

/**
 * Starts a command whose stdin stays open (see Connection.hold); resolves once `ready` accepts its
 * output, rejects with its stderr if it ends first.
 */
export function holdOnChannel(
  client: SshClient,
  host: string,
  line: string,
  ready: (stdout: string) => boolean,
): Promise<HeldSession> {
  return new Promise((resolve, reject) => {
    openExecChannel(
      client,
      line,
      () => false,
      (error, channel) => {
        if (error) return reject(new UnreachableError(host, `${host}: ${error.message}`, { cause: error }));
        const decoder = new StringDecoder('utf8');
        let stderr = '';
        let held = false;
        const ended = new Promise<void>((done) => channel.on('close', () => done()));
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        channel.on('data', (chunk: Buffer) => {
          if (held || !ready(decoder.write(chunk))) return;
          held = true;
          resolve({
            release: async () => {
              channel.end();
              const timer = setTimeout(() => channel.close(), RELEASE_GRACE_MS);
              await ended;
              clearTimeout(timer);
            },
          });
        });
        channel.on('close', () => {
          if (!held)
            reject(new Error(`the command ended before it was ready${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
        });
      },
    );
  });
}
