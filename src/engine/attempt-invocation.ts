import type { Plan } from '../modules/types.js';
import { markInert } from '../template/inert.js';
import { applyPlan } from './apply-plan.js';
import type { ReportedChange } from './events.js';
import { laterProbes, type InvocationScope } from './invocation-scope.js';
import type { Invocation } from './prepare-invocations.js';
import { PROBE_BATCH_LIMITS } from './probe-batch.js';
import { fetchProbes } from './probe-window.js';
import { evaluateOutcome, type ItemOutcome } from './task-outcome.js';
import { unknownOutcome } from './unknown-values.js';
import { decidePrerequisite, recordProvisions } from './prerequisites.js';

/** One attempt of an invocation: read the host's state (batched), plan, and apply unless checking. */
export async function attemptInvocation(scope: InvocationScope, invocation: Invocation): Promise<ItemOutcome> {
  const { ctx, host, task, module, upcoming, become } = scope;
  const options = ctx.run.options;
  let current: unknown;
  if (module.probe) {
    if (!host.probeCache.has(invocation.key)) {
      const own = { key: invocation.key, script: module.probe(invocation.args), hidden: task.noLog };
      await fetchProbes(
        ctx,
        host,
        { task, requests: [own, ...laterProbes(scope, PROBE_BATCH_LIMITS.count - 1)] },
        upcoming,
        become,
      );
    }
    const probe = host.probeCache.get(invocation.key)!;
    host.probeCache.delete(invocation.key);
    current = module.parse ? module.parse(probe, invocation.args) : probe;
  }
  const runForReal = runsForReal(task, options);
  const plan: Plan = module.plan(invocation.args, current, {
    host: host.name,
    verbosity: options.verbosity ?? 0,
  });
  const changes: ReportedChange[] = plan.changes.map((change) => ({
    summary: change.summary,
    from: change.from,
    to: change.to,
    diff: change.diff,
  }));
  // A module's result may hold what its probe read from the host: inert, like command output.
  const registered: Record<string, unknown> = { changed: false, failed: false, ...markInert(plan.result ?? {}) };
  if (invocation.label !== undefined) registered.item = invocation.item;
  if (plan.failed)
    return {
      status: 'failed',
      changes: [],
      registered: { ...registered, failed: true, msg: plan.failed },
      error: plan.failed,
    };
  if (plan.unmet) return decidePrerequisite(host, plan.unmet, registered, runForReal);
  if (plan.facts)
    return { status: 'ok', changes: [], registered: { ...registered, ansible_facts: plan.facts }, facts: plan.facts };
  if (plan.skipReason)
    return {
      status: 'skipped',
      changes: [],
      registered: { ...registered, skipped: true, skip_reason: plan.skipReason },
      skipReason: plan.skipReason,
    };
  const msg = typeof plan.result?.msg === 'string' ? plan.result.msg : undefined;
  const upkeep = runForReal ? (plan.upkeep ?? []) : [];
  if (plan.changes.length === 0 && upkeep.length === 0)
    return evaluateOutcome(task, invocation, { status: 'ok', changes, registered, msg });

  if (!runForReal) {
    if (plan.unverifiable)
      return unknownOutcome({
        reason: 'command/shell without creates/removes: what it does is known only when it runs',
      });
    recordProvisions(host, task.name ?? task.module, plan.provides);
    // changed_when and failed_when judge the predicted result, as Ansible's check mode does.
    return evaluateOutcome(task, invocation, {
      status: 'changed',
      changes,
      registered: { ...registered, changed: true },
      msg,
    });
  }

  return applyPlan(scope, invocation, plan, { changes, registered, msg, upkeep });
}

/**
 * Whether the task's changes are applied: not in check (unless the task says check_mode: false),
 * never in drift, and never for a task that says check_mode: true.
 */
function runsForReal(task: { checkMode?: boolean }, options: { check: boolean; drift: boolean }): boolean {
  if (task.checkMode === true) return false;
  return !options.check || (task.checkMode === false && !options.drift);
}
