/** Bookkeeping of what hosts did: results and stats, unreachable and rescued hosts, task headers. */
import { UnreachableError } from '../connection/types.js';
import type { TaskNode } from '../tree/types.js';
import type { TaskResult } from './events.js';
import type { HostState } from './host-state.js';
import type { PlayRun } from './play-run.js';

/** Adds a result to the host's list and stats, and tells the listeners. */
export function record(ctx: PlayRun, host: HostState, result: TaskResult, handler: boolean): void {
  result.handler = handler || undefined;
  host.results.push(result);
  const stats = host.stats;
  if (result.status === 'failed') {
    // As Ansible counts an ignored failure: ignored, and also ok (and changed, if it changed anything).
    if (result.ignored) {
      stats.ignored++;
      stats.ok++;
      if (result.changedBeforeFailing) stats.changed++;
    } else {
      stats.failed++;
      host.failed = true;
    }
  } else if (result.status === 'skipped') stats.skipped++;
  else if (result.status === 'unknown') stats.unknown++;
  else {
    stats.ok++;
    if (result.status === 'changed') stats.changed++;
  }
  ctx.run.options.events.hostResult?.(host.name, result);
}

/** A lost host is UNREACHABLE for the rest of the run; any other error fails the task. */
export function markUnreachable(ctx: PlayRun, host: HostState, error: unknown, task: string): void {
  if (!(error instanceof UnreachableError)) {
    record(
      ctx,
      host,
      { task, module: 'engine', status: 'failed', changes: [], error: (error as Error).message },
      false,
    );
    return;
  }
  host.unreachable = true;
  host.unreachableReason = error.message;
  host.stats.unreachable = 1;
  ctx.run.options.events.hostUnreachable?.(host.name, error.message, task);
}

/** A host whose failure a rescue section takes over: it counts as rescued, not failed. */
export function markRescued(host: HostState): void {
  host.failed = false;
  host.stats.failed--;
  host.stats.rescued++;
  const last = [...host.results].reverse().find((r) => r.status === 'failed');
  if (last) last.rescued = true;
}

/** Tells the listeners a task starts (once per task; a handler each time it runs). */
export function announce(ctx: PlayRun, task: TaskNode, handler: boolean, hosts?: string[]): void {
  const key = handler ? -task.id : task.id;
  if (ctx.announced.has(key) && !handler) return;
  ctx.announced.add(key);
  ctx.run.options.events.taskStart?.({
    name: task.name ?? task.module,
    module: task.module,
    handler,
    hosts: hosts ?? ctx.playHosts,
  });
}
