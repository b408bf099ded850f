import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quoteArgs } from '../../src/remote/quote.js';

const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));

export interface TerminalResult {
  code: number;
  /** Everything drover wrote to the terminal (stdout and stderr together, with \r\n line ends). */
  output: string;
}

/**
 * Runs the built drover CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal
 * would, typing each answer when its prompt appears. Plain output (CI=1), no colours. The terminal
 * has no size unless columns is given (then it is columns x 40, as a sized terminal window).
 */
export function runCliOnTerminal(
  args: string[],
  answers: Array<{ prompt: string; type: string }>,
  env: Record<string, string> = {},
  options: { columns?: number } = {},
): Promise<TerminalResult> {
  return new Promise((resolve, reject) => {
    const size = options.columns ? `stty cols ${options.columns} rows 40; exec ` : '';
    const command = size + quoteArgs([process.execPath, BIN, ...args]);
    const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
      env: { ...process.env, NO_COLOR: '1', CI: '1', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    const pending = [...answers];
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      while (pending.length > 0 && output.includes(pending[0].prompt)) child.stdin.write(`${pending.shift()!.type}\n`);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
