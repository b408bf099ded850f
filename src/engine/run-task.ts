import { setTimeout as sleep } from 'node:timers/promises';
import type { BecomeOptions, ExecResult } from '../connection/types.js';
import { UnreachableError } from '../connection/types.js';
import type { Change, ModuleDefinition, Plan } from '../modules/types.js';
import type { TaskNode } from '../playbook/types.js';
import { evaluateCondition } from '../template/expression.js';
import { applyChanges, groupChanges } from './apply-change.js';
import { connectHost } from './connect-host.js';
import type { ReportedChange, TaskResult, TaskStatus } from './events.js';
import type { HostState } from './host-state.js';
import { prepareInvocations, withTaskContext, type Invocation } from './prepare-invocations.js';
import { collectProbeWindow, fetchProbes } from './probe-window.js';
import type { PlayContext } from './run-context.js';
import { formatLocation, TaskError } from './task-error.js';
import { buildTaskVars } from './task-vars.js';
import { resolveBecome } from './resolve-become.js';

/** What one invocation (a task, or one loop item) did. */
interface ItemOutcome {
  status: TaskStatus;
  changes: ReportedChange[];
  registered: Record<string, unknown>;
  error?: string;
  unverifiable?: boolean;
  skipReason?: string;
  msg?: string;
  facts?: Record<string, unknown>;
  label?: string;
}

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
    const last = prepared.invocations.at(-1);
    for (const invocation of prepared.invocations) {
      const scope: InvocationScope = { ctx, host, task, module, upcoming, become, last: invocation === last };
      outcomes.push({ ...(await runInvocation(scope, invocation)), label: invocation.label });
      if (outcomes[outcomes.length - 1].status === 'failed' && !looped) break;
    }
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    const message = error instanceof TaskError ? error.message : `${(error as Error).message}`;
    outcomes = [{ status: 'failed', changes: [], registered: { failed: true, changed: false, msg: message }, error: message }];
  }
  const result = task.noLog ? hideOutput(summarize(baseResult, outcomes, looped)) : summarize(baseResult, outcomes, looped);
  if (task.register) host.registered[task.register] = registeredValue(outcomes, looped);
  for (const outcome of outcomes) if (outcome.facts) Object.assign(host.registered, outcome.facts);
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
  /** The task's last (or only) invocation: the next probes belong to the tasks after it. */
  last: boolean;
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
      await fetchProbes(ctx, host, { task, requests: [{ key: invocation.key, script: module.probe(invocation.args) }] }, upcoming, become);
    }
    const probe = host.probeCache.get(invocation.key)!;
    host.probeCache.delete(invocation.key);
    current = module.parse ? module.parse(probe, invocation.args) : probe;
  }
  const plan: Plan = module.plan(invocation.args, current, { host: host.name, check: options.check, verbosity: options.verbosity ?? 0 });
  const changes: ReportedChange[] = plan.changes.map((change) => ({ summary: change.summary, from: change.from, to: change.to, diff: change.diff }));
  const registered: Record<string, unknown> = { changed: false, failed: false, ...(plan.result ?? {}) };
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
      options.events.verbose?.(3, host.name, `apply: ${change.summary}${change.kind === 'command' ? `\n  $ ${change.command}` : ` (put ${change.path})`}`);
    }
    const lastChange = group[group.length - 1];
    const probes = scope.last && index === groups.length - 1 && canProbeAfter(lastChange) ? await collectProbeWindow(ctx, host, { task, requests: [] }, upcoming, become) : [];
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

/** changed_when and failed_when, evaluated with the task's own result under its register name. */
function evaluateOutcome(task: TaskNode, invocation: Invocation, outcome: ItemOutcome): ItemOutcome {
  if (task.changedWhen === undefined && task.failedWhen === undefined) return outcome;
  const vars = { ...invocation.vars, ...outcome.registered, ...(task.register ? { [task.register]: outcome.registered } : {}) };
  let next = outcome;
  if (task.failedWhen !== undefined) {
    const failed = evaluateCondition(task.failedWhen, vars);
    if (failed && next.status !== 'failed') next = { ...next, status: 'failed', error: next.error ?? `failed_when condition is true: ${JSON.stringify(task.failedWhen)}` };
    if (!failed && next.status === 'failed') next = { ...next, status: next.registered.changed ? 'changed' : 'ok', error: undefined };
    next.registered = { ...next.registered, failed };
  }
  if (task.changedWhen !== undefined && next.status !== 'failed') {
    const changed = evaluateCondition(task.changedWhen, vars);
    next = { ...next, status: changed ? 'changed' : 'ok', changes: changed ? next.changes : [] };
    next.registered = { ...next.registered, changed };
  }
  return next;
}

function execFields(result: ExecResult): Record<string, unknown> {
  const stdout = result.stdout.replace(/\n$/, '');
  const stderr = result.stderr.replace(/\n$/, '');
  return { rc: result.code, stdout, stderr, stdout_lines: stdout === '' ? [] : stdout.split('\n'), stderr_lines: stderr === '' ? [] : stderr.split('\n') };
}

function summarize(base: Omit<TaskResult, 'status' | 'changes'>, outcomes: ItemOutcome[], looped: boolean): TaskResult {
  const statuses = outcomes.map((o) => o.status);
  const status: TaskStatus = statuses.includes('failed')
    ? 'failed'
    : statuses.includes('changed')
      ? 'changed'
      : statuses.length > 0 && statuses.every((s) => s === 'skipped')
        ? 'skipped'
        : 'ok';
  const result: TaskResult = { ...base, status, changes: outcomes.flatMap((o) => o.changes) };
  const error = outcomes.find((o) => o.error)?.error;
  if (error) result.error = error;
  if (outcomes.some((o) => o.unverifiable)) result.unverifiable = true;
  const msgs = outcomes.map((o) => o.msg).filter((m): m is string => m !== undefined);
  if (msgs.length > 0 && !looped) result.msg = msgs[0];
  if (status === 'skipped') result.skipReason = outcomes[0]?.skipReason;
  if (looped) {
    result.items = outcomes.map((o, i) => ({ label: o.label ?? String(i), status: o.status, changes: o.changes, error: o.error, msg: o.msg }));
  }
  return result;
}

function registeredValue(outcomes: ItemOutcome[], looped: boolean): Record<string, unknown> {
  if (!looped) return outcomes[0]?.registered ?? { changed: false, skipped: true };
  return {
    changed: outcomes.some((o) => o.status === 'changed'),
    failed: outcomes.some((o) => o.status === 'failed'),
    skipped: outcomes.length > 0 && outcomes.every((o) => o.status === 'skipped'),
    results: outcomes.map((o) => o.registered),
  };
}

const HIDDEN = 'the output has been hidden due to the fact that no_log: true was specified for this result';

/** no_log: true keeps the status and counts but shows nothing of the task's arguments or results. */
function hideOutput(result: TaskResult): TaskResult {
  return {
    ...result,
    changes: result.changes.map(() => ({ summary: HIDDEN })),
    ...(result.error !== undefined ? { error: HIDDEN } : {}),
    ...(result.msg !== undefined ? { msg: HIDDEN } : {}),
    ...(result.items ? { items: result.items.map((item, index) => ({ label: String(index), status: item.status, changes: [] })) } : {}),
  };
}
