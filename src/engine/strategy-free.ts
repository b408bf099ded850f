import type { TaskTree } from '../tree/types.js';
import type { HostState } from './host-state.js';
import { findFatalFailure } from './play-failures.js';
import { canRun, type PlayRun } from './play-run.js';
import { runNode } from './run-node.js';

/** The free strategy: this host goes through the section without waiting for the others. */
export async function runFreeSection(
  ctx: PlayRun,
  host: HostState,
  section: TaskTree[],
  batch: HostState[],
): Promise<void> {
  for (const node of section) {
    if (!canRun(ctx, host)) return;
    await runNode(ctx, host, node);
    if (host.failed) ctx.endedHosts.add(host.name);
    ctx.fatal ??= findFatalFailure(ctx.play, batch);
  }
}
