import { identifyDrift, type DriftHistoryEntry } from './history-entry.js';
import type { DriftChange, DriftFindings, DriftResource } from './types.js';

/**
 * Adds "first seen" and "new" to each drifted resource. `previous` holds the earlier runs of the
 * same scope, oldest first. A change's first seen is carried over from the latest earlier run that
 * checked its host and task; a run where the host was unreachable or the task failed is passed over.
 */
export function applyHistory(
  findings: DriftFindings,
  previous: DriftHistoryEntry[],
  now: string,
): { resources: DriftResource[]; previousRun: string | null } {
  const resources = findings.resources.map((resource) => {
    const covering = [...previous].reverse().find((entry) => {
      const host = entry.hosts[resource.host];
      return host?.verified && !host.failedTasks.includes(resource.task);
    });
    const changes: DriftChange[] = resource.changes.map((change) => {
      const seen = covering?.hosts[resource.host].drifted[identifyDrift(resource.task, change.summary)];
      return { ...change, firstSeen: seen ?? now, new: seen === undefined };
    });
    const firstSeen = changes.map((change) => change.firstSeen).sort()[0] ?? now;
    return { ...resource, firstSeen, new: changes.every((change) => change.new), changes };
  });
  return { resources, previousRun: previous.at(-1)?.startedAt ?? null };
}
