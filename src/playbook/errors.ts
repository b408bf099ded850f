import type { SourceLocation } from '../tree/source-location.js';
import { codeFrame } from './source.js';
import { readFileSync } from 'node:fs';
import { DroverError } from '../errors.js';

/** One problem found while loading or validating a playbook. */
export interface PlaybookProblem {
  message: string;
  location: SourceLocation;
  task?: string;
  field?: string;
  hint?: string;
}

/** A playbook that does not validate; nothing runs on any host (exit 4). */
export class PlaybookError extends DroverError {
  override readonly kind = 'invalid-input' as const;
  override name = 'PlaybookError';
  constructor(
    readonly problems: PlaybookProblem[],
    options?: { cause?: unknown },
  ) {
    super(problems.map(formatProblem).join('\n\n'), options);
  }

  override report(): string {
    const count = this.problems.length;
    return `ERROR: the playbook does not validate (${count} problem${count === 1 ? '' : 's'}); nothing was run.\n\n${this.message}`;
  }
}

export function formatProblem(problem: PlaybookProblem): string {
  const { file, line, column } = problem.location;
  const where = `${file}:${line}:${column}`;
  const lines = [`${where}: ${problem.message}`];
  if (problem.task) lines.push(`  task: ${problem.task}`);
  if (problem.field) lines.push(`  field: ${problem.field}`);
  if (problem.hint) lines.push(`  fix: ${problem.hint}`);
  try {
    const frame = codeFrame(readFileSync(file, 'utf8'), line, column);
    lines.push(frame);
  } catch {
    // The file is gone or unreadable: the position alone has to do.
  }
  return lines.join('\n');
}
