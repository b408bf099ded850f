import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runProcess, type ProcessResult } from './run-process.js';

const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));

export type CliResult = ProcessResult;

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
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const { interruptWhen } = options;
  let interrupted = false;
  let watch: NodeJS.Timeout | undefined;
  // Checked on every output chunk and every 20 ms, for conditions outside the output (files).
  const interruptIfDue = (child: ChildProcess, stdout: string) => {
    if (interrupted || !interruptWhen!(stdout)) return;
    interrupted = true;
    clearInterval(watch);
    process.kill(-child.pid!, 'SIGINT');
  };
  let output = '';
  const running = runProcess(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    // Test files run at once on this machine's local hosts; the host lock has tests of its own.
    env: { ...process.env, NO_COLOR: '1', DROVER_HOST_LOCK: 'off', ...options.env },
    input: options.input,
    detached: Boolean(interruptWhen), // its own process group, like a terminal's foreground job
    onStart: interruptWhen ? (child) => (watch = setInterval(() => interruptIfDue(child, output), 20)) : undefined,
    onStdout: interruptWhen
      ? (child, stdout) => {
          output = stdout;
          interruptIfDue(child, stdout);
        }
      : undefined,
  });
  try {
    return await running;
  } finally {
    clearInterval(watch);
  }
}
