/** One node on one host: a task, or (free strategy, included files) a whole block or include. */
import type { BlockNode, IncludeNode, TaskTree } from '../tree/types.js';
import { runBlockSections } from './block-sections.js';
import type { HostState } from './host-state.js';
import { announce, markUnreachable, record } from './host-results.js';
import { loadIncludeRun, recordIncludeError, resolveIncludeRuns } from './include-tasks.js';
import { canRun, isReached, upcomingOf, type PlayRun } from './play-run.js';
import { runMeta } from './run-meta.js';
import { runTaskOnHost } from './run-task.js';
import { confirmStep } from './step-task.js';

export async function runNode(ctx: PlayRun, host: HostState, node: TaskTree): Promise<void> {
  if (!canRun(ctx, host)) return;
  if (node.kind === 'block') return runBlock(ctx, host, node);
  if (node.kind === 'include') return runInclude(ctx, host, node);
  if (!isReached(ctx, node)) return;
  if (node.module === 'meta') return runMeta(ctx, host, node);
  if (!(await confirmStep(ctx, node))) return;
  announce(ctx, node, false);
  try {
    const result = await runTaskOnHost(ctx, host, node, upcomingOf(ctx, node));
    record(ctx, host, result, false);
  } catch (error) {
    markUnreachable(ctx, host, error, node.name ?? node.module);
  }
}

/** The nodes in order on one host, while it may go on. */
export async function runNodes(ctx: PlayRun, host: HostState, nodes: TaskTree[]): Promise<void> {
  for (const node of nodes) {
    if (!canRun(ctx, host)) return;
    await runNode(ctx, host, node);
  }
}

async function runBlock(ctx: PlayRun, host: HostState, block: BlockNode): Promise<void> {
  await runBlockSections(ctx, [host], block, (group, nodes) => runNodes(ctx, group[0], nodes));
}

/** include_tasks on one host (free strategy, or an include inside an included file). */
async function runInclude(ctx: PlayRun, host: HostState, node: IncludeNode): Promise<void> {
  try {
    for (const run of await resolveIncludeRuns(ctx, host, node))
      await runNodes(ctx, host, loadIncludeRun(ctx, node, run));
  } catch (error) {
    recordIncludeError(ctx, host, node, error);
  }
}
