import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessResult {
  /** The exit code; when the process was killed by a signal, failCode. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd?: string;
  /** The whole environment of the process. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed with SIGKILL after this long. */
  timeoutMs?: number;
  /** In a process group of its own (as a terminal's foreground job). */
  detached?: boolean;
  /** The code reported when the process ended without one (killed). */
  failCode?: number;
  /** Called once the process is spawned. */
  onStart?: (child: ChildProcess) => void;
  /** Called with the process and the stdout so far, on every chunk of it. */
  onStdout?: (child: ChildProcess, stdout: string) => void;
}

/** Runs a program with an argument vector (no shell) and collects what it printed. */
export function runProcess(command: string, args: string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.detached,
    });
    options.onStart?.(child);
    let stdout = '';
    let stderr = '';
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      options.onStdout?.(child, stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => {});
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? options.failCode ?? 1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
