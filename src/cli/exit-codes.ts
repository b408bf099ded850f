/** Exit codes, as ansible-playbook uses them. Only the CLI sets them. */
import { DroverError, type FailureKind } from '../errors.js';
export const EXIT = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 3,
  invalidInput: 4,
  badOptions: 5,
  interrupted: 99,
} as const;

/** The exit code of each kind of failure (see errors.ts); NoHostsError is an `error`, as in ansible-playbook. */
export const EXIT_FOR_KIND: Record<FailureKind, number> = {
  error: EXIT.error,
  'invalid-input': EXIT.invalidInput,
  'bad-options': EXIT.badOptions,
};

/** A user mistake on the command line (exit 5): printed without a stack trace. */
export class UsageError extends DroverError {
  override readonly kind = 'bad-options' as const;
  override name = 'UsageError';
}
