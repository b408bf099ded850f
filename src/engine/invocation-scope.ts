import type { BecomeOptions } from '../connection/types.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { TaskNode } from '../tree/types.js';
import type { HostState } from './host-state.js';
import type { Invocation } from './prepare-invocations.js';
import type { ProbeRequest } from './probe-batch.js';
import type { PlayContext } from './run-context.js';

/** What running one invocation of a task needs to know about its task, host and play. */
export interface InvocationScope {
  ctx: PlayContext;
  host: HostState;
  task: TaskNode;
  module: ModuleDefinition;
  /** The tasks after this one in its section, for batching probes. */
  upcoming: readonly (TaskNode | 'barrier')[];
  become: BecomeOptions | undefined;
  /** All the task's invocations (its loop items): the later ones' probes ride with the current one's. */
  invocations: readonly Invocation[];
  /** The invocation running now. */
  index: number;
}

/** The probes of the task's next loop items not fetched yet, at most `count` (none for a probeAlone module). */
export function laterProbes(scope: InvocationScope, count: number): ProbeRequest[] {
  const { module, host, invocations } = scope;
  if (!module.probe || module.probeAlone) return [];
  const requests: ProbeRequest[] = [];
  for (let i = scope.index + 1; i < invocations.length && requests.length < count; i++) {
    const item = invocations[i];
    if (item.skipped || host.probeCache.has(item.key)) continue;
    requests.push({ key: item.key, script: module.probe(item.args), hidden: scope.task.noLog });
  }
  return requests;
}
