import { setTimeout as sleep } from 'node:timers/promises';
import type { BecomeOptions, ExecResult } from '../connection/types.js';
import { UnreachableError } from '../connection/types.js';
import type { Change, ModuleDefinition, Plan } from '../modules/types.js';
import type { TaskNode } from '../playbook/types.js';
import { evaluateCondition } from '../template/expression.js';
import { markInert } from '../template/inert.js';
import { applyChanges, CARRY_LIMITS, groupChanges } from './apply-change.js';
import { connectHost } from './connect-host.js';
import type { ReportedChange, TaskResult } from './events.js';
import type { HostState } from './host-state.js';
import { prepareInvocations, withTaskContext, type Invocation } from './prepare-invocations.js';
import { PROBE_BATCH_LIMITS, ProbeBudget, type ProbeRequest } from './probe-batch.js';
import { collectProbeWindow, fetchProbes } from './probe-window.js';
import type { PlayContext } from './run-context.js';
import { formatLocation, TaskError } from './task-error.js';
import { buildTaskVars } from './task-vars.js';
import { resolveBecome } from './resolve-become.js';
import { evaluateOutcome, execFields, hideOutput, registeredValue, summarize, type ItemOutcome } from './task-outcome.js';


/**
 * Runs one task on one host: when, loop, render, probe (batched with the tasks after it), plan,
 * apply (unless checking), register, changed_when/failed_when, retries, notify.
 */
export async function runTaskOnHost(
  ctx: PlayContext,
  host: HostState,
  task: TaskNode,
  upcoming: readonly (TaskNode | 'barrier')[],
  handler = false,
): Promise<TaskResult> {
  const module = ctx.run.modules.get(task.module)!;
  const baseResult = { task: task.name ?? task.module, module: task.module, handler, location: formatLocation(task.location) };
  let outcomes: ItemOutcome[];
  let looped = false;
  try {
    const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, task);
    const become = resolveBecome(ctx, host.name, task, vars);
    const prepared = await prepareInvocations(task, module, vars, { host: host.name, check: ctx.run.options.check });
    looped = prepared.looped;
    outcomes = [];
    for (const [index, invocation] of prepared.invocations.entries()) {
      const scope: InvocationScope = { ctx, host, task, module, upcoming, become, later: prepared.invocations.slice(index + 1) };
      outcomes.push({ ...(await runInvocation(scope, invocation)), label: invocation.label });
      if (outcomes[outcomes.length - 1].status === 'failed' && !looped) break;
    }
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    const message = error instanceof TaskError ? error.message : `${(error as Error).message}`;
    outcomes = [{ status: 'failed', changes: [], registered: { failed: true, changed: false, msg: message }, error: message }];
  }
  const result = task.noLog ? hideOutput(summarize(baseResult, outcomes, looped)) : summarize(baseResult, outcomes, looped);
  // What a task registers or sets is final: it is never rendered again (see markInert).
  if (task.register) host.registered[task.register] = markInert(registeredValue(outcomes, looped));
  for (const outcome of outcomes) if (outcome.facts) Object.assign(host.registered, markInert(outcome.facts));
  if (result.status === 'changed') for (const topic of task.notify) host.notified.add(topic);
  if (result.status === 'failed' && task.ignoreErrors) result.ignored = true;
  return result;
}

/** What running one invocation of a task needs to know about its task, host and play. */
interface InvocationScope {
  ctx: PlayContext;
  host: HostState;
  task: TaskNode;
  module: ModuleDefinition;
  /** The tasks after this one in its section, for batching probes. */
  upcoming: readonly (TaskNode | 'barrier')[];
  become: BecomeOptions | undefined;
  /** The task's invocations after this one (its later loop items): their probes come first. */
  later: readonly Invocation[];
}

/** The probes of the task's next loop items not fetched yet, at most `count` (none for a probeAlone module). */
function laterProbes(scope: InvocationScope, count: number): ProbeRequest[] {
  const { module, host } = scope;
  if (!module.probe || module.probeAlone) return [];
  const pending = scope.later.filter((item) => !item.skipped && !host.probeCache.has(item.key)).slice(0, count);
  return pending.map((item) => ({ key: item.key, script: module.probe!(item.args), hidden: scope.task.noLog }));
}

async function runInvocation(scope: InvocationScope, invocation: Invocation): Promise<ItemOutcome> {
  const { task } = scope;
  if (invocation.skipped) return { status: 'skipped', changes: [], registered: { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, skipReason: 'condition is false' };
  const attempts = countAttempts(task);
  let outcome: ItemOutcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    outcome = await attemptInvocation(scope, invocation);
    if (attempts === 1) break;
    outcome.registered.attempts = attempt;
    const vars = { ...invocation.vars, ...(task.register ? { [task.register]: outcome.registered } : {}) };
    const done = task.until === undefined ? outcome.status !== 'failed' : await withTaskContext(task, async () => evaluateCondition(task.until, vars));
    if (done) break;
    if (attempt === attempts) {
      const why = task.until === undefined ? `still failing after ${attempts} attempts` : `'until' condition still false after ${attempts} attempts`;
      outcome = { ...outcome, status: 'failed', registered: { ...outcome.registered, failed: true }, error: outcome.error ? `${outcome.error} (${why})` : why };
      break;
    }
    if (scope.ctx.run.options.check) break;
    await sleep((task.delay ?? 5) * 1000);
  }
  return outcome!;
}

/** As ansible-core: the first attempt plus `retries` more (default 3 with `until`); `retries` alone retries until the task succeeds. */
function countAttempts(task: TaskNode): number {
  if (task.until === undefined && task.retries === undefined) return 1;
  return 1 + Math.max(0, task.retries ?? 3);
}

async function attemptInvocation(scope: InvocationScope, invocation: Invocation): Promise<ItemOutcome> {
  const { ctx, host, task, module, upcoming, become } = scope;
  const options = ctx.run.options;
  let current: unknown;
  if (module.probe) {
    if (!host.probeCache.has(invocation.key)) {
      const own = { key: invocation.key, script: module.probe(invocation.args), hidden: task.noLog };
      await fetchProbes(ctx, host, { task, requests: [own, ...laterProbes(scope, PROBE_BATCH_LIMITS.count - 1)] }, upcoming, become);
    }
    const probe = host.probeCache.get(invocation.key)!;
    host.probeCache.delete(invocation.key);
    current = module.parse ? module.parse(probe, invocation.args) : probe;
  }
  const plan: Plan = module.plan(invocation.args, current, { host: host.name, check: options.check, verbosity: options.verbosity ?? 0 });
  const changes: ReportedChange[] = plan.changes.map((change) => ({ summary: change.summary, from: change.from, to: change.to, diff: change.diff }));
  // A module's result may hold what its probe read from the host: inert, like command output.
  const registered: Record<string, unknown> = { changed: false, failed: false, ...markInert(plan.result ?? {}) };
  if (invocation.label !== undefined) registered.item = invocation.item;
  if (plan.failed) return { status: 'failed', changes: [], registered: { ...registered, failed: true, msg: plan.failed }, error: plan.failed };
  if (plan.facts) return { status: 'ok', changes: [], registered: { ...registered, ansible_facts: plan.facts }, facts: plan.facts };
  if (plan.skipReason) return { status: 'skipped', changes: [], registered: { ...registered, skipped: true, skip_reason: plan.skipReason }, skipReason: plan.skipReason };
  const msg = typeof plan.result?.msg === 'string' ? plan.result.msg : undefined;
  const runForReal = !options.check || (task.checkMode === false && !options.drift);
  const upkeep = runForReal ? (plan.upkeep ?? []) : [];
  if (plan.changes.length === 0 && upkeep.length === 0) return evaluateOutcome(task, invocation, { status: 'ok', changes, registered, msg });

  if (!runForReal) {
    if (plan.unverifiable) {
      return { status: 'skipped', changes, registered: { ...registered, skipped: true, unverifiable: true }, unverifiable: true, skipReason: 'cannot be verified in check mode' };
    }
    return { status: 'changed', changes, registered: { ...registered, changed: true }, msg };
  }

  const conn = await connectHost(ctx, host);
  const toRun: Change[] = [...upkeep, ...plan.changes];
  const groups = groupChanges(toRun, { become });
  let last: ExecResult | undefined;
  let applied = 0;
  for (const [index, group] of groups.entries()) {
    host.probeCache.clear();
    for (const change of group) {
      const shown = task.noLog ? 'a change of a no_log task, not shown' : `${change.summary}${change.kind === 'command' ? `\n  $ ${change.command}` : ` (put ${change.path})`}`;
      options.events.verbose?.(3, host.name, `apply: ${shown}`);
    }
    const lastChange = group[group.length - 1];
    const probes = index === groups.length - 1 && canProbeAfter(lastChange) ? await collectProbeWindow(ctx, host, { task, requests: laterProbes(scope, CARRY_LIMITS.count) }, upcoming, become, new ProbeBudget(CARRY_LIMITS, true)) : [];
    if (probes.length > 0) options.events.verbose?.(2, host.name, `probing ${probes.length} task invocation(s) in the same exec`);
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
          registered: { ...registered, ...execFields(result), changed: applied > upkeep.length, failed: true, msg: error },
          error,
        });
      }
    }
  }
  const changed = plan.changes.length > 0;
  return evaluateOutcome(task, invocation, { status: changed ? 'changed' : 'ok', changes, registered: { ...registered, ...(last ? execFields(last) : {}), changed }, msg });
}

/** A change that runs as the task's own user, so the next tasks' probes can share its exec. */
function canProbeAfter(change: Change): boolean {
  return change.kind === 'put' || change.user === undefined;
}

