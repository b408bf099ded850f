/**
 * The base of drover's own errors. Each says what kind of failure it is; the CLI turns the kind
 * into an exit code and prints the error's report, in one place (cli/main.ts). An error that keeps
 * another as its `cause` passes it to super().
 */

/** The kinds of failure that end a command, each with its own exit code (see cli/exit-codes.ts). */
export type FailureKind = 'error' | 'invalid-input' | 'bad-options';

export class DroverError extends Error {
  /** How the CLI ends when this error ends a command. */
  readonly kind: FailureKind = 'error';

  /** What the CLI prints: `ERROR: message` unless the error words it itself. */
  report(): string {
    return `ERROR: ${this.message}`;
  }
}
