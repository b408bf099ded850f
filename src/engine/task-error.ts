import type { SourceLocation } from '../tree/source-location.js';
import { DroverError } from '../errors.js';

/** A task that cannot run on a host (undefined variable, invalid argument after rendering, ...). */
export class TaskError extends DroverError {
  override name = 'TaskError';
  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : '';
}
