import type { TaskNode } from '../tree/types.js';
import { evaluateCondition } from '../template/expression.js';
import { flushHandlers } from './handlers.js';
import type { HostState } from './host-state.js';
import { record } from './host-results.js';
import type { PlayRun } from './play-run.js';
import { withTaskContext } from './prepare-invocations.js';
import { formatLocation } from './task-error.js';
import { buildTaskVars } from './task-vars.js';

/** The action a meta task names: `meta: end_play`, or `meta: { action: ... }`. */
export function metaAction(task: TaskNode): string {
  return typeof task.args === 'string'
    ? task.args
    : String((task.args as Record<string, unknown>).action ?? (task.args as Record<string, unknown>).cmd ?? '');
}

/** A meta task on one host: flush_handlers, end_play, end_host, clear_host_errors. */
export async function runMeta(ctx: PlayRun, host: HostState, task: TaskNode): Promise<void> {
  const action = metaAction(task);
  // The free strategy and included files: this host's own handlers (linear plays flush for all hosts at once).
  if (action === 'flush_handlers') return flushHandlers(ctx, [host], { inSlot: true });
  try {
    const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, task);
    if (!(await withTaskContext(task, async () => evaluateCondition(task.when, vars)))) return;
  } catch (error) {
    record(
      ctx,
      host,
      {
        task: task.name ?? `meta: ${action}`,
        module: 'meta',
        status: 'failed',
        changes: [],
        error: (error as Error).message,
        location: formatLocation(task.location),
      },
      false,
    );
    return;
  }
  if (action === 'end_play') ctx.ended = true;
  else if (action === 'end_host') ctx.endedHosts.add(host.name);
  else if (action === 'clear_host_errors') {
    // As in Ansible: a host that failed inside a block goes on with the play; one that failed outside takes part again from the next play.
    for (const name of ctx.playHosts) ctx.run.hosts.get(name)!.clearErrors();
    ctx.errorsCleared++;
  }
}
