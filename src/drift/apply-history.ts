import { identifyDrift, type DriftHistoryEntry } from './history-entry.js';
import type { DriftChange, DriftFindings, DriftResource } from './types.js';

/**
 * Adds "first seen" and "new" to each drifted resource. `previous` holds the earlier runs of the
 * same scope, oldest first. A change's first seen is carried over from the latest earlier run that
 * told its host and task: one where it was drifted continues the series, one where it was not ends
 * it. A run where the host was unreachable, or the task failed or was unknown, is passed over: it
 * neither confirms nor ends the drift.
 */
export function applyHistory(
  findings: DriftFindings,
  previous: DriftHistoryEntry[],
  now: string,
): { resources: DriftResource[]; previousRun: string | null } {
  const newestFirst = [...previous].reverse();
  const resources = findings.resources.map((resource) => {
    const changes: DriftChange[] = resource.changes.map((change) => {
      const seen = seriesStart(newestFirst, resource.host, identifyDrift(resource.task, change.summary), resource.task);
      return { ...change, firstSeen: seen ?? now, new: seen === undefined };
    });
    const firstSeen = changes.map((change) => change.firstSeen).sort()[0] ?? now;
    return { ...resource, firstSeen, new: changes.every((change) => change.new), changes };
  });
  return { resources, previousRun: previous.at(-1)?.startedAt ?? null };
}

/** The first seen of a drift still in its series in the runs before this one, if it is. */
function seriesStart(
  newestFirst: DriftHistoryEntry[],
  host: string,
  identity: string,
  task: string,
): string | undefined {
  for (const entry of newestFirst) {
    const seen = entry.hosts[host];
    if (!seen) continue;
    const drifted = seen.drifted[identity];
    if (drifted !== undefined) return drifted;
    if (told(seen, task)) return undefined;
  }
  return undefined;
}

/** Whether a past run could say a task on this host was not drifted. */
function told(host: DriftHistoryEntry['hosts'][string], task: string): boolean {
  return host.verified && !host.failedTasks.includes(task) && !host.unknownTasks.includes(task);
}
