import type { BlockNode, TaskTree } from '../tree/types.js';
import type { HostState } from './host-state.js';
import { markRescued } from './host-results.js';
import { indexLeaves, type PlayRun } from './play-run.js';

export type BlockSection = 'block' | 'rescue' | 'always';

/**
 * block, rescue, always, for one host (free strategy, included files) or for hosts together
 * (linear): the block's tasks; then its rescue on the hosts that failed in it, which count as
 * rescued; then its always on every host still reachable, where a failure from before the always
 * stands again afterwards unless meta clear_host_errors ran.
 */
export async function runBlockSections(
  ctx: PlayRun,
  hosts: HostState[],
  block: BlockNode,
  runSection: (hosts: HostState[], nodes: TaskTree[], section: BlockSection) => Promise<void>,
): Promise<void> {
  await runSection(hosts, block.block, 'block');
  if (block.rescue.length > 0) {
    const rescued = hosts.filter((host) => host.failed && !host.unreachable);
    for (const host of rescued) markRescued(host);
    if (rescued.length > 0) {
      indexLeaves(ctx, block.rescue);
      await runSection(rescued, block.rescue, 'rescue');
    }
  }
  if (block.always.length > 0) {
    const reached = hosts.filter((host) => !host.unreachable);
    if (reached.length === 0) return;
    const failedBefore = new Map(reached.map((host) => [host, host.failed]));
    const cleared = ctx.errorsCleared;
    for (const host of reached) host.failed = false;
    await runSection(reached, block.always, 'always');
    for (const host of reached) host.failed = host.failed || (failedBefore.get(host)! && cleared === ctx.errorsCleared);
  }
}
