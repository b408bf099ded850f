import type { RunReport } from '../report/run-report.js';
import { toDriftHosts } from './collect-drift.js';
import { identifyDrift, type DriftHistoryEntry, type HostHistory } from './history-entry.js';
import type { DriftFindings, DriftResource, DriftSection } from './types.js';

/** The run report of a drift run (mode 'drift', `changed` = drifted) plus its `drift` section. */
export interface DriftReport extends RunReport {
  mode: 'drift';
  drift: DriftSection;
}

export function buildDriftReport(
  report: RunReport,
  findings: DriftFindings,
  history: { resources: DriftResource[]; previousRun: string | null },
  meta: { exitCode: number; runId: string; stateDir: string; strict?: boolean },
): DriftReport {
  const driftedHosts = new Set(history.resources.map((r) => r.host));
  return {
    ...report,
    mode: 'drift',
    hosts: toDriftHosts(report),
    drift: {
      exitCode: meta.exitCode,
      ...(meta.strict ? { strict: true } : {}),
      runId: meta.runId,
      stateDir: meta.stateDir,
      previousRun: history.previousRun,
      summary: {
        hosts: findings.hosts.length,
        driftedHosts: driftedHosts.size,
        driftedResources: history.resources.length,
        newResources: history.resources.filter((r) => r.new).length,
        unknown: findings.unknown.length,
        unverifiedHosts: findings.unverified.length,
        failedTasks: findings.errors.length,
      },
      resources: history.resources,
      unknown: findings.unknown,
      unverified: findings.unverified,
      errors: findings.errors,
    },
  };
}

/** The compact index line that later runs read to compute first seen / new. */
export function toHistoryEntry(
  report: DriftReport,
  meta: { file: string; inventory: string[]; tags: string[]; skipTags: string[]; limit?: string },
): DriftHistoryEntry {
  const { drift } = report;
  const hosts: Record<string, HostHistory> = {};
  for (const [name, host] of Object.entries(report.hosts))
    hosts[name] = { verified: !host.unreachable, drifted: {}, failedTasks: [], unknownTasks: [] };
  for (const resource of drift.resources) {
    for (const change of resource.changes)
      hosts[resource.host].drifted[identifyDrift(resource.task, change.summary)] = change.firstSeen;
  }
  for (const error of drift.errors) hosts[error.host].failedTasks.push(error.task);
  for (const unknown of drift.unknown) {
    const tasks = hosts[unknown.host].unknownTasks;
    if (!tasks.includes(unknown.task)) tasks.push(unknown.task);
  }
  return {
    version: 1,
    id: drift.runId,
    file: meta.file,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    playbook: report.playbook,
    inventory: meta.inventory,
    tags: meta.tags,
    skipTags: meta.skipTags,
    ...(meta.limit !== undefined ? { limit: meta.limit } : {}),
    exitCode: drift.exitCode,
    ...(drift.strict ? { strict: true } : {}),
    counts: {
      hosts: drift.summary.hosts,
      driftedHosts: drift.summary.driftedHosts,
      driftedResources: drift.summary.driftedResources,
      unknown: drift.summary.unknown,
      unverifiedHosts: drift.summary.unverifiedHosts,
      failedTasks: drift.summary.failedTasks,
    },
    hosts,
  };
}
