import type { ExecResult } from '../connection/types.js';
import type { Change, Plan } from '../modules/types.js';
import { applyChanges, CARRY_LIMITS, groupChanges } from './apply-change.js';
import { connectHost } from './connect-host.js';
import type { ReportedChange } from './events.js';
import { laterProbes, type InvocationScope } from './invocation-scope.js';
import type { Invocation } from './prepare-invocations.js';
import { ProbeBudget } from './probe-batch.js';
import { collectProbeWindow } from './probe-window.js';
import { evaluateOutcome, execFields, type ItemOutcome } from './task-outcome.js';

/** What an attempt has worked out before it applies: the reported changes, the registered value so far. */
export interface PlannedOutcome {
  changes: ReportedChange[];
  registered: Record<string, unknown>;
  msg: string | undefined;
  /** Changes that keep the host in shape and are not reported (see Plan.upkeep). */
  upkeep: Change[];
}

/**
 * Applies a plan's changes in as few execs as their users allow; the last exec also carries the
 * probes of the tasks after it. The first failing change ends the task.
 */
export async function applyPlan(
  scope: InvocationScope,
  invocation: Invocation,
  plan: Plan,
  planned: PlannedOutcome,
): Promise<ItemOutcome> {
  const { changes, registered, msg, upkeep } = planned;
  const { ctx, host, task, become, upcoming } = scope;
  const options = ctx.run.options;
  const conn = await connectHost(ctx, host);
  const toRun: Change[] = [...upkeep, ...plan.changes];
  const groups = groupChanges(toRun, { become });
  let last: ExecResult | undefined;
  let applied = 0;
  for (const [index, group] of groups.entries()) {
    host.probeCache.clear();
    for (const change of group) {
      const shown = task.noLog
        ? 'a change of a no_log task, not shown'
        : `${change.summary}${change.kind === 'command' ? `\n  $ ${change.command}` : ` (put ${change.path})`}`;
      options.events.verbose?.(3, host.name, `apply: ${shown}`);
    }
    const lastChange = group[group.length - 1];
    const probes =
      index === groups.length - 1 && canProbeAfter(lastChange)
        ? await collectProbeWindow(
            ctx,
            host,
            { task, requests: laterProbes(scope, CARRY_LIMITS.count) },
            upcoming,
            become,
            new ProbeBudget(CARRY_LIMITS, true),
          )
        : [];
    if (probes.length > 0)
      options.events.verbose?.(2, host.name, `probing ${probes.length} task invocation(s) in the same exec`);
    const outcome = await applyChanges(conn, group, probes, { become, timeoutMs: options.commandTimeoutMs });
    for (const [key, answer] of outcome.answers) host.probeCache.set(key, answer);
    for (const result of outcome.results) {
      const change = toRun[applied++];
      last = result;
      if (result.code !== 0) {
        const error = `${change.summary}: exit ${result.code}${result.stderr.trim() ? `: ${result.stderr.trim().slice(0, 2000)}` : ''}`;
        return evaluateOutcome(task, invocation, {
          status: 'failed',
          changes,
          registered: {
            ...registered,
            ...execFields(result),
            changed: applied > upkeep.length,
            failed: true,
            msg: error,
          },
          error,
        });
      }
    }
  }
  const changed = plan.changes.length > 0;
  return evaluateOutcome(task, invocation, {
    status: changed ? 'changed' : 'ok',
    changes,
    registered: { ...registered, ...(last ? execFields(last) : {}), changed },
    msg,
  });
}

/** A change that runs as the task's own user, so the next tasks' probes can share its exec. */
function canProbeAfter(change: Change): boolean {
  return change.kind === 'put' || change.user === undefined;
}
