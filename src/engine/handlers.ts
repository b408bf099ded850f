import type { HostState } from './host-state.js';
import { announce, markUnreachable, record } from './host-results.js';
import type { PlayRun } from './play-run.js';
import { runTaskOnHost } from './run-task.js';

/**
 * Runs notified handlers once each, in the order they are defined, on the hosts that notified them.
 * inSlot: the caller already holds a forks slot for this (single) host, so taking another could
 * wait forever (with --forks 1 it would).
 */
export async function flushHandlers(
  ctx: PlayRun,
  candidates: HostState[],
  options: { inSlot?: boolean } = {},
): Promise<void> {
  for (const handler of ctx.play.handlers) {
    const topics = [handler.name ?? '', ...handler.listen];
    const hosts = candidates.filter(
      (host) =>
        ((host.active && !ctx.fatal) ||
          ((ctx.run.options.forceHandlers || ctx.play.forceHandlers) && !host.unreachable)) &&
        topics.some((t) => host.notified.has(t)),
    );
    if (hosts.length === 0) continue;
    announce(
      ctx,
      handler,
      true,
      hosts.map((h) => h.name),
    );
    const runHandler = async (host: HostState) => {
      try {
        const result = await runTaskOnHost(ctx, host, handler, [], true);
        record(ctx, host, result, true);
      } catch (error) {
        markUnreachable(ctx, host, error, handler.name ?? handler.module);
      }
    };
    await Promise.all(hosts.map((host) => (options.inSlot ? runHandler(host) : ctx.limit(() => runHandler(host)))));
  }
  for (const host of candidates) host.notified.clear();
}
