import { EXIT } from '../cli/exit-codes.js';
import type { DriftFindings } from './types.js';

/** Like `terraform plan -detailed-exitcode`: 0 no drift, 2 drift, 1 when some of it could not be checked. */
export const DRIFT_EXIT = { clean: 0, error: 1, drift: 2 } as const;

export function computeDriftExitCode(findings: DriftFindings): number {
  if (findings.interrupted) return EXIT.interrupted;
  if (findings.unverified.length > 0 || findings.errors.length > 0) return DRIFT_EXIT.error;
  return findings.resources.length > 0 ? DRIFT_EXIT.drift : DRIFT_EXIT.clean;
}
