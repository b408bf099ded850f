/**
 * The linear strategy: the hosts take each task together, inside blocks too, as in Ansible. A
 * block's tasks run on the hosts that have not failed; then its rescue on those that failed in it;
 * then its always on all of them. The hosts that include the same files take their tasks together.
 */
import type { BlockNode, IncludeNode, TaskTree } from '../tree/types.js';
import { runBlockSections } from './block-sections.js';
import { flushHandlers } from './handlers.js';
import type { HostState } from './host-state.js';
import { loadIncludeRun, recordIncludeError, resolveIncludeRuns, type IncludeRun } from './include-tasks.js';
import { findFatalFailure } from './play-failures.js';
import { canRun, isReached, type PlayRun } from './play-run.js';
import { metaAction } from './run-meta.js';
import { runNode } from './run-node.js';

/** One node of a section on these hosts together. rescuable: a rescue of this block or an outer one takes failures over. */
export async function runLinearNode(
  ctx: PlayRun,
  hosts: HostState[],
  node: TaskTree,
  rescuable = false,
): Promise<void> {
  const running = hosts.filter((host) => canRun(ctx, host));
  if (running.length === 0) return;
  if (node.kind === 'block') return runLinearBlock(ctx, running, node, rescuable);
  if (node.kind === 'include') return runLinearInclude(ctx, running, node, rescuable);
  if (node.kind === 'task' && node.module === 'meta' && metaAction(node) === 'flush_handlers') {
    if (!isReached(ctx, node)) return;
    // Outside the forks limit: the handlers take their own slots.
    return flushHandlers(ctx, running);
  }
  await Promise.all(running.map((host) => ctx.limit(() => runNode(ctx, host, node))));
}

/** The nodes of a block section, one after another. */
async function runLinearNodes(ctx: PlayRun, hosts: HostState[], nodes: TaskTree[], rescuable: boolean): Promise<void> {
  for (const node of nodes) {
    if (ctx.ended || ctx.fatal || ctx.run.interrupted()) return;
    await runLinearNode(ctx, hosts, node, rescuable);
    // any_errors_fatal and max_fail_percentage apply after every task, inside blocks too.
    ctx.fatal ??= findFatalFailure(
      ctx.play,
      ctx.playHosts.map((name) => ctx.run.hosts.get(name)!),
      { rescuable },
    );
  }
}

async function runLinearBlock(ctx: PlayRun, hosts: HostState[], block: BlockNode, rescuable: boolean): Promise<void> {
  await runBlockSections(ctx, hosts, block, (group, nodes, section) =>
    runLinearNodes(ctx, group, nodes, section === 'block' ? rescuable || block.rescue.length > 0 : rescuable),
  );
}

/**
 * include_tasks: the hosts that include the same files (same items) take their tasks together, as
 * in Ansible; hosts that include other files follow, group by group.
 */
async function runLinearInclude(
  ctx: PlayRun,
  hosts: HostState[],
  node: IncludeNode,
  rescuable: boolean,
): Promise<void> {
  const groups = new Map<string, { runs: IncludeRun[]; hosts: HostState[] }>();
  for (const host of hosts) {
    try {
      const runs = await resolveIncludeRuns(ctx, host, node);
      const key = JSON.stringify(runs);
      const group = groups.get(key) ?? { runs, hosts: [] };
      group.hosts.push(host);
      groups.set(key, group);
    } catch (error) {
      recordIncludeError(ctx, host, node, error);
    }
  }
  for (const group of groups.values()) {
    for (const run of group.runs) {
      let nodes: TaskTree[];
      try {
        nodes = loadIncludeRun(ctx, node, run);
      } catch (error) {
        for (const host of group.hosts) recordIncludeError(ctx, host, node, error);
        break;
      }
      await runLinearNodes(ctx, group.hosts, nodes, rescuable);
    }
  }
}
