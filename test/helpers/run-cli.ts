import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  /**
   * Sends SIGINT once the output so far (or anything else) satisfies this test, to drover's whole
   * process group as Ctrl-C in a terminal does, so the commands drover started get it too.
   */
  interruptWhen?: (stdout: string) => boolean;
}

/** Runs the built drover CLI as a user would, without a terminal and without colours (unless env says otherwise). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: Boolean(options.interruptWhen), // its own process group, like a terminal's foreground job
    });
    let stdout = '';
    let stderr = '';
    // Checked on every output chunk and every 20 ms, for conditions outside the output (files).
    let interrupted = !options.interruptWhen;
    const watch = setInterval(() => interruptIfDue(), 20);
    const interruptIfDue = () => {
      if (interrupted || !options.interruptWhen!(stdout)) return;
      interrupted = true;
      clearInterval(watch);
      process.kill(-child.pid!, 'SIGINT');
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      interruptIfDue();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(watch);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
