import { spawn, type ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import { BecomeHandshake, wrapBecome } from './become.js';
import { execKeepingOffCommandLine } from './keep-off-command-line.js';
import { sendStdin } from './stdin-file.js';
import { CommandTimeoutError, type Connection, type ExecOptions, type ExecResult, type HeldSession } from './types.js';

/** Runs commands on the controller itself through /bin/sh (ansible_connection: local). */
export class LocalConnection implements Connection {
  execCount = 0;
  private readonly currentUser = userInfo().username;

  constructor(readonly host: string) {}

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

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

  /** The line /bin/sh -c runs: through sudo when becoming another user. */
  private buildLine(command: string, options: ExecOptions): { line: string; needsSudo: boolean } {
    const become = options.become;
    const needsSudo = become !== undefined && (become.user ?? 'root') !== this.currentUser;
    return { line: needsSudo ? wrapBecome(command, become) : command, needsSudo };
  }

  hold(command: string, ready: (stdout: string) => boolean): Promise<HeldSession> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      let stderr = '';
      let held = false;
      const ended = new Promise<void>((done) => child.on('close', () => done()));
      child.stdin.on('error', () => {});
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout.on('data', (chunk: Buffer) => {
        if (held || !ready(chunk.toString('utf8'))) return;
        held = true;
        resolve({
          release: async () => {
            child.stdin.end();
            await ended;
          },
        });
      });
      child.on('error', reject);
      child.on('close', () => {
        if (!held)
          reject(new Error(`the command ended before it was ready${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
      });
    });
  }

  private execLine(command: string, options: ExecOptions): Promise<ExecResult> {
    this.execCount++;
    const become = options.become;
    const { line, needsSudo } = this.buildLine(command, options);
    return new Promise((resolve, reject) => {
      // Its own process group: a timeout stops everything the command started, not just /bin/sh,
      // and Ctrl-C in the terminal reaches drover only, which lets running work finish.
      const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const stdout: Buffer[] = [];
      let stderr = '';
      let settled = false;
      let stopStdin = () => {};
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopStdin();
        killProcessGroup(child);
        reject(error);
      };
      const timer = options.timeoutMs
        ? setTimeout(() => fail(new CommandTimeoutError(this.host, options.timeoutMs!)), options.timeoutMs)
        : undefined;
      // A controller file is streamed, paced by the pipe to the child.
      const writeStdin = () => (stopStdin = sendStdin(child.stdin, options.stdin, fail));
      const handshake =
        needsSudo && become
          ? new BecomeHandshake(this.host, become.password, (data) => child.stdin.write(data), writeStdin)
          : undefined;
      child.stdin.on('error', () => {});
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => {
        try {
          stderr += handshake ? handshake.feed(chunk.toString('utf8')) : chunk.toString('utf8');
        } catch (error) {
          fail(error);
        }
      });
      child.on('error', fail);
      child.on('close', (code) => {
        // The child may end before reading all its input: the rest is not sent.
        stopStdin();
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const becomeFailure = handshake?.failure(become?.user);
        if (becomeFailure) return reject(becomeFailure);
        resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
      });
      if (!handshake) writeStdin();
    });
  }
}

/** SIGKILLs the child's whole process group (the child leads it: it was spawned detached). */
function killProcessGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone, or (after sudo) holds processes we may not signal: kill what we can.
    child.kill('SIGKILL');
  }
}
