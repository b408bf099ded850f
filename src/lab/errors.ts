/** Any failure of the lab: a missing tool, not root, a host that did not boot. The message says what to do. */
import { DroverError } from '../errors.js';
export class LabError extends DroverError {
  override name = 'LabError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
