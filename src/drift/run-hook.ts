import { spawn } from 'node:child_process';

export interface HookResult {
  command: string;
  /** null when the command could not be started or was killed by a signal. */
  exitCode: number | null;
  error?: string;
}

/**
 * Runs the --on-drift command on the controller through /bin/sh. The report path is appended as
 * the last argument (`sh -c 'COMMAND "$@"' drover-drift REPORT`, so it needs no quoting) and is in
 * $DROVER_DRIFT_REPORT. Its output goes to stderr, keeping stdout for the drift summary.
 */
export function runDriftHook(
  command: string,
  reportPath: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<HookResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `${command} "$@"`, 'drover-drift', reportPath], {
      env: { ...process.env, ...env, DROVER_DRIFT_REPORT: reportPath },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout stops whatever it started too.
      detached: true,
    });
    child.stdout.on('data', (chunk) => process.stderr.write(chunk));
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    // A hanging alert must not keep the nightly run from finishing.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ command, exitCode: null, error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const error = timedOut
        ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
        : signal
          ? `killed by ${signal}`
          : undefined;
      resolve({ command, exitCode: code, ...(error ? { error } : {}) });
    });
  });
}
