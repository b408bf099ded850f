/** Exit codes, as ansible-playbook uses them. Only the CLI sets them. */
export const EXIT = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 3,
  invalidInput: 4,
  badOptions: 5,
  interrupted: 99,
} as const;

/** A user mistake on the command line (exit 5): printed without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}
