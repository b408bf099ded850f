import type { ReportTask, RunReport } from '../report/run-report.js';
import type { DriftFindings } from './types.js';

/**
 * Sorts a drift-mode run report into drifted resources, unverifiable tasks, unverified
 * (unreachable) hosts and errors. Handlers are left out: they are consequences of drift,
 * not resources, and a drift run never runs them.
 */
export function collectDrift(report: RunReport): DriftFindings {
  const findings: DriftFindings = {
    hosts: Object.keys(report.hosts),
    resources: [],
    unverifiable: [],
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
      if (task.unverifiable && task.status === 'skipped')
        findings.unverifiable.push({ host, task: task.task, module: task.module, ...where });
      if (task.status === 'failed' && !task.ignored && !task.rescued)
        findings.errors.push({ host, task: task.task, ...where, error: task.error ?? 'failed' });
    }
  }
  return findings;
}

export function isDrifted(task: ReportTask): boolean {
  return task.status === 'changed' && !task.handler && task.changes.length > 0;
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
      tasks,
    };
  }
  return hosts;
}
