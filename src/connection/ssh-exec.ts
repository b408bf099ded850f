import { StringDecoder } from 'node:string_decoder';
import { BecomeHandshake } from './become.js';
import type { SshClient } from './ssh-link.js';
import { CommandTimeoutError, UnreachableError, type BecomeOptions, type ExecResult } from './types.js';

export interface ChannelRequest {
  host: string;
  /** The full command line, already wrapped for sudo when becoming. */
  line: string;
  stdin?: string | Buffer;
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
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unregister();
      action();
    };
    const abort = (error: Error) =>
      settle(() => {
        if (channel) {
          // Ask sshd to kill the command (OpenSSH 8.1+), then drop the channel either way.
          try {
            channel.signal('KILL');
            channel.close();
          } catch {}
        }
        reject(error);
      });
    const timer = setTimeout(() => abort(new CommandTimeoutError(request.host, request.timeoutMs)), request.timeoutMs);
    const unregister = request.onLinkLost(abort);

    client.exec(request.line, (error, opened) => {
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
      const writeStdin = () => opened.end(request.stdin ?? '');
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
          setTimeout(() => abort(new UnreachableError(request.host, 'the connection closed before the command finished')), 200);
          return;
        }
        settle(() => {
          stderr += decoder.end();
          const becomeFailure = handshake?.failure(request.become?.user);
          if (becomeFailure) return reject(becomeFailure);
          if (exitSignal) stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}killed by signal ${exitSignal}\n`;
          resolve({ code: exitCode ?? 255, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
        });
      });
      if (!handshake) writeStdin();
    });
  });
}
