import type { TaskResult, UnknownReason } from '../engine/events.js';
import type { RunOutcome } from '../engine/run-playbook.js';
import { maskValue } from '../secrets/mask.js';
import { renderUnifiedDiff } from './render-diff.js';
import { shortLocation } from '../tree/source-location.js';

export interface ReportChange {
  summary: string;
  from?: string;
  to?: string;
  /** Unified diff of file content. */
  diff?: string;
}

export interface ReportTask {
  task: string;
  module: string;
  status: TaskResult['status'];
  changes: ReportChange[];
  error?: string;
  /** Set when status is unknown: why check or drift could not tell, and the earlier task it waits for. */
  unknown?: UnknownReason;
  ignored?: boolean;
  rescued?: boolean;
  handler?: boolean;
  skipReason?: string;
  msg?: string;
  items?: Array<{ label: string; status: TaskResult['status']; error?: string; unknown?: UnknownReason }>;
  location?: string;
}

export interface ReportHost {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  /** Tasks whose outcome check or drift could not tell. */
  unknown: number;
  rescued: number;
  ignored: number;
  unreachable: boolean;
  unreachableReason?: string;
  /** Remote execs made for this host during the run. */
  execs: number;
  tasks: ReportTask[];
}

export interface RunReport {
  version: 1;
  playbook: string;
  mode: 'run' | 'check' | 'drift';
  startedAt: string;
  durationMs: number;
  /** Of durationMs, the time the controller spent rendering templates and evaluating expressions. */
  renderMs?: number;
  interrupted: boolean;
  hosts: Record<string, ReportHost>;
}

/** Builds the documented JSON report (secrets masked). */
export function buildRunReport(
  outcome: RunOutcome,
  meta: { playbook: string; mode: RunReport['mode']; startedAt: Date; durationMs: number; renderMs?: number },
): RunReport {
  const hosts: Record<string, ReportHost> = {};
  for (const name of outcome.order) {
    const host = outcome.hosts.get(name)!;
    hosts[name] = {
      ok: host.stats.ok,
      changed: host.stats.changed,
      failed: host.stats.failed,
      skipped: host.stats.skipped,
      unknown: host.stats.unknown,
      rescued: host.stats.rescued,
      ignored: host.stats.ignored,
      unreachable: host.unreachable,
      ...(host.unreachableReason ? { unreachableReason: host.unreachableReason } : {}),
      execs: host.execCount,
      tasks: host.results.map((result) => toReportTask(result, meta.playbook)),
    };
  }
  return maskValue({
    version: 1,
    playbook: meta.playbook,
    mode: meta.mode,
    startedAt: meta.startedAt.toISOString(),
    durationMs: meta.durationMs,
    ...(meta.renderMs === undefined ? {} : { renderMs: Math.round(meta.renderMs) }),
    interrupted: outcome.interrupted,
    hosts,
  });
}

function toReportTask(result: TaskResult, playbook: string): ReportTask {
  const task: ReportTask = {
    task: result.task,
    module: result.module,
    status: result.status,
    changes: result.changes.map((change) => ({
      summary: change.summary,
      ...(change.from !== undefined ? { from: change.from } : {}),
      ...(change.to !== undefined ? { to: change.to } : {}),
      ...(change.diff ? { diff: renderUnifiedDiff(change.diff) } : {}),
    })),
  };
  for (const key of ['error', 'ignored', 'rescued', 'handler', 'skipReason', 'msg'] as const) {
    if (result[key] !== undefined) (task as unknown as Record<string, unknown>)[key] = result[key];
  }
  if (result.location) task.location = shortLocation(result.location, playbook);
  if (result.unknown) task.unknown = reportUnknown(result.unknown);
  if (result.items)
    task.items = result.items.map((item) => ({
      label: item.label,
      status: item.status,
      ...(item.error ? { error: item.error } : {}),
      ...(item.unknown ? { unknown: reportUnknown(item.unknown) } : {}),
    }));
  return task;
}

function reportUnknown(unknown: UnknownReason): UnknownReason {
  return { reason: unknown.reason, ...(unknown.dependsOn !== undefined ? { dependsOn: unknown.dependsOn } : {}) };
}
