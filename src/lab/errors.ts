/** Any failure of the lab: a missing tool, not root, a host that did not boot. The message says what to do. */
export class LabError extends Error {
  override name = 'LabError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
