import type { ReportTask, RunReport } from '../report/run-report.js';
import { UNKNOWN_WITHOUT_REASON } from '../report/plain-output.js';
import type { DriftFindings, UnknownTask } from './types.js';

/**
 * Sorts a drift-mode run report into drifted resources, unknown tasks, unverified
 * (unreachable) hosts and errors. Handlers are left out: they are consequences of drift,
 * not resources, and a drift run never runs them.
 */
export function collectDrift(report: RunReport): DriftFindings {
  const findings: DriftFindings = {
    hosts: Object.keys(report.hosts),
    resources: [],
    unknown: [],
    unverified: [],
    errors: [],
    interrupted: report.interrupted,
  };
  for (const [host, result] of Object.entries(report.hosts)) {
    if (result.unreachable) findings.unverified.push({ host, reason: result.unreachableReason ?? 'unreachable' });
    for (const task of result.tasks) {
      if (task.handler) continue;
      const where = task.location !== undefined ? { location: task.location } : {};
      if (isDrifted(task))
        findings.resources.push({ host, task: task.task, module: task.module, ...where, changes: task.changes });
      findings.unknown.push(...unknownOf(host, task));
      if (task.status === 'failed' && !task.ignored && !task.rescued)
        findings.errors.push({ host, task: task.task, ...where, error: task.error ?? 'failed' });
    }
  }
  return findings;
}

export function isDrifted(task: ReportTask): boolean {
  return task.status === 'changed' && !task.handler && task.changes.length > 0;
}

/**
 * What of a task the run could not tell: the task itself when its status is unknown, else each of
 * its loop items that is unknown (the other items were told, and may be drifted or not).
 */
export function unknownOf(host: string, task: ReportTask): UnknownTask[] {
  const base = {
    host,
    task: task.task,
    module: task.module,
    ...(task.location !== undefined ? { location: task.location } : {}),
  };
  const items = (task.items ?? []).filter((item) => item.status === 'unknown');
  if (task.status === 'unknown') {
    const why = task.unknown ?? items.find((item) => item.unknown)?.unknown;
    return [
      {
        ...base,
        reason: why?.reason ?? UNKNOWN_WITHOUT_REASON,
        ...(why?.dependsOn !== undefined ? { dependsOn: why.dependsOn } : {}),
      },
    ];
  }
  return items.map((item) => ({
    ...base,
    item: item.label,
    reason: item.unknown?.reason ?? UNKNOWN_WITHOUT_REASON,
    ...(item.unknown?.dependsOn !== undefined ? { dependsOn: item.unknown.dependsOn } : {}),
  }));
}

/** The report's per-host counts, with `changed` meaning drifted and handlers left out. */
export function toDriftHosts(report: RunReport): RunReport['hosts'] {
  const hosts: RunReport['hosts'] = {};
  for (const [name, host] of Object.entries(report.hosts)) {
    const tasks = host.tasks.filter((task) => !task.handler);
    hosts[name] = {
      ...host,
      ok: tasks.filter((task) => task.status === 'ok' || task.status === 'changed').length,
      changed: tasks.filter(isDrifted).length,
      skipped: tasks.filter((task) => task.status === 'skipped').length,
      unknown: tasks.filter((task) => task.status === 'unknown').length,
      tasks,
    };
  }
  return hosts;
}
