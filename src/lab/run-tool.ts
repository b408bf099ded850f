import { spawn } from 'node:child_process';
import { LabError } from './errors.js';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

/** Runs a host tool with an argument vector (no shell), collecting its output. */
export function runTool(command: string, args: string[], options: RunToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => {});
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LabError(`could not run ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? 128, stdout, stderr };
      if (result.code !== 0 && !options.allowFailure) {
        const why = signal ? `was killed by ${signal}` : `exited with ${result.code}`;
        const detail = stderr.trim() || stdout.trim();
        reject(new LabError(`${command} ${args.join(' ')} ${why}${detail ? `: ${detail.slice(-2000)}` : ''}`));
        return;
      }
      resolve(result);
    });
    child.stdin.end(options.input ?? '');
  });
}
