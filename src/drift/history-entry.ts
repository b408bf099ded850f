/** One line of the drift history index (`<state>/drift/index.jsonl`). */
export interface DriftHistoryEntry {
  version: 1;
  id: string;
  /** The full drift report of this run, relative to the drift directory. */
  file: string;
  startedAt: string;
  durationMs: number;
  playbook: string;
  inventory: string[];
  /** Runs are compared only with runs of the same playbook and tag selection. */
  tags: string[];
  skipTags: string[];
  limit?: string;
  exitCode: number;
  /** Run with --strict (unknown tasks made exit 1). */
  strict?: boolean;
  counts: {
    hosts: number;
    driftedHosts: number;
    driftedResources: number;
    /** Tasks (host × task) whose outcome the run could not tell. Older lines call it `unverifiable`. */
    unknown: number;
    unverifiedHosts: number;
    failedTasks: number;
  };
  hosts: Record<string, HostHistory>;
  onDrift?: { command: string; exitCode: number | null; error?: string };
}

export interface HostHistory {
  /** Reachable in this run: its tasks were checked. */
  verified: boolean;
  /** Drift identity (see identifyDrift) -> first seen (ISO time). */
  drifted: Record<string, string>;
  /** Tasks that failed to check: they neither confirm nor end a drift. */
  failedTasks: string[];
  /** Tasks whose outcome the run could not tell: they neither confirm nor end a drift. */
  unknownTasks: string[];
}

/** A drifted resource is known by its host, task name and change summary. */
export function identifyDrift(task: string, summary: string): string {
  return `${task}\u0000${summary}`;
}

/** Whether two runs may be compared: same playbook, same tag selection. */
export function isSameScope(
  a: Pick<DriftHistoryEntry, 'playbook' | 'tags' | 'skipTags'>,
  b: Pick<DriftHistoryEntry, 'playbook' | 'tags' | 'skipTags'>,
): boolean {
  const key = (tags: string[]) => [...tags].sort().join(',');
  return a.playbook === b.playbook && key(a.tags) === key(b.tags) && key(a.skipTags) === key(b.skipTags);
}

/**
 * An index line as this version reads it. Lines written before unknown was its own status count
 * `unverifiable` tasks (those are unknown now) and have no `unknownTasks`.
 */
export function upgradeHistoryEntry(entry: DriftHistoryEntry): DriftHistoryEntry {
  const counts = entry.counts as DriftHistoryEntry['counts'] & { unverifiable?: number };
  const { unverifiable, ...rest } = counts ?? {};
  const upgradedCounts = {
    ...rest,
    unknown: typeof rest.unknown === 'number' ? rest.unknown : typeof unverifiable === 'number' ? unverifiable : 0,
  } as DriftHistoryEntry['counts'];
  const hosts: Record<string, HostHistory> = {};
  for (const [name, host] of Object.entries(entry.hosts))
    hosts[name] = {
      ...host,
      drifted: host.drifted ?? {},
      failedTasks: host.failedTasks ?? [],
      unknownTasks: host.unknownTasks ?? [],
    };
  return { ...entry, counts: upgradedCounts, hosts };
}
