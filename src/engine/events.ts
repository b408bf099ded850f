import type { Change } from '../modules/types.js';

/**
 * `unknown`: check or drift could not tell what the task would do on this host (its outcome depends
 * on something only a real run produces); it is neither run nor skipped, and never drift by itself.
 */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unknown';

/** Why a task's outcome is unknown, and the earlier task it waits for when there is one. */
export interface UnknownReason {
  reason: string;
  /** The earlier task of this run whose real outcome this one depends on. */
  dependsOn?: string;
}

/** One change as reported: what, and for file content the unified-diff inputs. */
export interface ReportedChange {
  summary: string;
  from?: string;
  to?: string;
  diff?: Change['diff'];
}

/** What a command (command, shell, script, raw and the like) printed, shown from -v. */
export interface CommandOutput {
  rc: number;
  stdout: string;
  stderr: string;
}

/** The outcome of one task on one host (a looped task is one result with its items inside). */
export interface TaskResult {
  task: string;
  module: string;
  status: TaskStatus;
  changes: ReportedChange[];
  error?: string;
  /** Set when status is unknown. */
  unknown?: UnknownReason;
  ignored?: boolean;
  /** A failed task that changed something before it failed (a command that ran and exited non-zero). */
  changedBeforeFailing?: boolean;
  rescued?: boolean;
  skipReason?: string;
  /** debug output and similar messages. */
  msg?: string;
  /** Set when the task ran a command: its exit status and what it printed. */
  output?: CommandOutput;
  items?: Array<{
    label: string;
    status: TaskStatus;
    changes: ReportedChange[];
    error?: string;
    msg?: string;
    output?: CommandOutput;
    unknown?: UnknownReason;
  }>;
  handler?: boolean;
  location?: string;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  /** Tasks whose outcome check or drift could not tell. */
  unknown: number;
  rescued: number;
  ignored: number;
}

/** Everything the engine tells the outside world while it runs (output, reports). */
export interface EngineEvents {
  playStart?(play: { name: string; hosts: string[] }): void;
  taskStart?(task: { name: string; module: string; handler: boolean; hosts: string[] }): void;
  hostResult?(host: string, result: TaskResult): void;
  hostUnreachable?(host: string, reason: string, task?: string): void;
  warning?(message: string): void;
  verbose?(level: number, host: string, message: string): void;
}
