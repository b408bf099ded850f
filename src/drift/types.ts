import type { ReportChange } from '../report/run-report.js';

/** One change of a drifted resource, with its history. */
export interface DriftChange extends ReportChange {
  /** When this change was first seen in an unbroken series of drift runs (ISO time). */
  firstSeen: string;
  /** Not drifted in the previous run that verified this host. */
  new: boolean;
}

/** A task whose wanted state differs from what is on a host. */
export interface DriftResource {
  host: string;
  task: string;
  module: string;
  location?: string;
  /** The earliest firstSeen of its changes. */
  firstSeen: string;
  /** None of its changes were drifted in the previous run. */
  new: boolean;
  changes: DriftChange[];
}

/**
 * A task whose outcome the drift run could not tell on a host (a command without creates/removes,
 * a task that reads what only a real run of an earlier task produces). It is never drift by itself.
 */
export interface UnknownTask {
  host: string;
  task: string;
  module: string;
  location?: string;
  /** The loop item that is unknown, when the task itself is not. */
  item?: string;
  reason: string;
  /** The earlier task whose real outcome it waits for. */
  dependsOn?: string;
}

export interface UnverifiedHost {
  host: string;
  reason: string;
}

export interface DriftError {
  host: string;
  task: string;
  location?: string;
  error: string;
}

export interface DriftSummary {
  hosts: number;
  driftedHosts: number;
  driftedResources: number;
  newResources: number;
  unknown: number;
  unverifiedHosts: number;
  failedTasks: number;
}

/** The `drift` section of the drift report. */
export interface DriftSection {
  exitCode: number;
  /** --strict: unknown tasks make exit 1. */
  strict?: boolean;
  runId: string;
  stateDir: string;
  /** startedAt of the previous run in the same history scope, if any. */
  previousRun: string | null;
  summary: DriftSummary;
  resources: DriftResource[];
  unknown: UnknownTask[];
  unverified: UnverifiedHost[];
  errors: DriftError[];
  onDrift?: { command: string; exitCode: number | null; error?: string };
}

/** What one drift run found, before history is applied. */
export interface DriftFindings {
  /** Hosts in inventory order. */
  hosts: string[];
  resources: Array<Omit<DriftResource, 'firstSeen' | 'new' | 'changes'> & { changes: ReportChange[] }>;
  unknown: UnknownTask[];
  unverified: UnverifiedHost[];
  errors: DriftError[];
  interrupted: boolean;
}
