/** The state of one play's batch while it runs, and the questions every strategy asks of it. */
import type pLimit from 'p-limit';
import type { TaskNode, TaskTree } from '../tree/types.js';
import type { HostState } from './host-state.js';
import { flattenLeaves } from './probe-window.js';
import type { PlayContext } from './run-context.js';
import { isTaskSelected, matchesTaskName } from './select-tasks.js';

export type Leaves = Array<TaskNode | 'barrier'>;

export interface PlayRun extends PlayContext {
  /** Where each leaf task sits in its section's flattened order, for probe look-ahead. */
  positions: Map<number, { leaves: Leaves; index: number }>;
  /** Hosts done with the play: meta end_host, or a failure outside any block's rescue. */
  endedHosts: Set<string>;
  /** Set when any_errors_fatal or max_fail_percentage ended the play: its hosts count as failed. */
  fatal?: string;
  /** Bumped by meta clear_host_errors, so an always section does not bring a cleared failure back. */
  errorsCleared: number;
  limit: ReturnType<typeof pLimit>;
}

/** Whether the host still takes part in the play (not ended, not failed, the play not aborted). */
export function isRunning(ctx: PlayRun, host: HostState): boolean {
  return host.active && !ctx.endedHosts.has(host.name) && ctx.fatal === undefined;
}

/** Whether the host goes on with the play's next task. */
export function canRun(ctx: PlayRun, host: HostState): boolean {
  return isRunning(ctx, host) && !ctx.ended && !ctx.run.interrupted();
}

/** Whether the run takes this task: its tags are selected, and --start-at-task is behind (or at) it. */
export function isReached(ctx: PlayRun, task: TaskNode): boolean {
  if (!isTaskSelected(task.tags, ctx.run.options.selection)) return false;
  if (!ctx.run.started) {
    if (!matchesTaskName(task.name, ctx.run.options.startAtTask ?? '')) return false;
    ctx.run.started = true;
  }
  return true;
}

/** Records where each leaf task of these nodes sits, so its probe window can look ahead. */
export function indexLeaves(ctx: PlayRun, nodes: TaskTree[]): void {
  const leaves = flattenLeaves(nodes);
  leaves.forEach((leaf, index) => {
    if (leaf !== 'barrier') ctx.positions.set(leaf.id, { leaves, index });
  });
}

/** The leaf tasks after this one in its section, in the order the host meets them. */
export function upcomingOf(ctx: PlayRun, task: TaskNode): Leaves {
  const position = ctx.positions.get(task.id);
  return position ? position.leaves.slice(position.index + 1) : [];
}
