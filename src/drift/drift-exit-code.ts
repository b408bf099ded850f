import { EXIT } from '../cli/exit-codes.js';
import type { DriftFindings } from './types.js';

/** Like `terraform plan -detailed-exitcode`: 0 no drift, 2 drift, 1 when some of it could not be checked. */
export const DRIFT_EXIT = { clean: 0, error: 1, drift: 2 } as const;

/**
 * Unknown tasks alone never make exit 2 (they are not drift) and, by default, not 1 either: a
 * nightly run should not page anyone for what it could not know. With `strict` they make exit 1,
 * for those who want every unknown looked at.
 */
export function computeDriftExitCode(findings: DriftFindings, options: { strict?: boolean } = {}): number {
  if (findings.interrupted) return EXIT.interrupted;
  if (findings.unverified.length > 0 || findings.errors.length > 0) return DRIFT_EXIT.error;
  if (options.strict && findings.unknown.length > 0) return DRIFT_EXIT.error;
  return findings.resources.length > 0 ? DRIFT_EXIT.drift : DRIFT_EXIT.clean;
}
