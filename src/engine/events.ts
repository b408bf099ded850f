import type { Change } from '../modules/types.js';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped';

/** One change as reported: what, and for file content the unified-diff inputs. */
export interface ReportedChange {
  summary: string;
  from?: string;
  to?: string;
  diff?: Change['diff'];
}

/** The outcome of one task on one host (a looped task is one result with its items inside). */
export interface TaskResult {
  task: string;
  module: string;
  status: TaskStatus;
  changes: ReportedChange[];
  error?: string;
  /** Check mode could not tell (command/shell without guards). */
  unverifiable?: boolean;
  ignored?: boolean;
  rescued?: boolean;
  skipReason?: string;
  /** debug output and similar messages. */
  msg?: string;
  items?: Array<{ label: string; status: TaskStatus; changes: ReportedChange[]; error?: string; msg?: string }>;
  handler?: boolean;
  location?: string;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
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
