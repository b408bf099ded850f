import { codeFrame } from '../playbook/source.js';
import { DroverError } from '../errors.js';

export interface InventoryErrorDetails {
  file?: string;
  line?: number;
  column?: number;
  /** How to fix it, shown on its own line. */
  hint?: string;
  /** The source text, to show the offending line under the message. */
  text?: string;
  cause?: unknown;
}

/**
 * An inventory that cannot be read: names the file and line at fault and how to fix it.
 * `problem` is the bare sentence; `message` adds the position, the fix and a code frame.
 */
export class InventoryError extends DroverError {
  override readonly kind = 'invalid-input' as const;
  override name = 'InventoryError';
  readonly problem: string;
  file?: string;
  line?: number;
  column?: number;
  hint?: string;

  override report(): string {
    return `ERROR: inventory: ${this.message}`;
  }

  constructor(problem: string, details: InventoryErrorDetails = {}) {
    super(formatInventoryProblem(problem, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.problem = problem;
    this.file = details.file;
    this.line = details.line;
    this.column = details.column;
    this.hint = details.hint;
  }
}

function formatInventoryProblem(problem: string, details: InventoryErrorDetails): string {
  const { file, line, column, hint, text } = details;
  let where = '';
  if (file !== undefined)
    where =
      line === undefined ? `${file}: ` : column === undefined ? `${file}:${line}: ` : `${file}:${line}:${column}: `;
  const lines = [`${where}${problem}`];
  if (hint) lines.push(`  fix: ${hint}`);
  if (text !== undefined && line !== undefined) lines.push(codeFrame(text, line, column ?? 1));
  return lines.join('\n');
}
