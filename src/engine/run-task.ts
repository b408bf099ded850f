import { UnreachableError } from '../connection/types.js';
import type { TaskNode } from '../tree/types.js';
import { markInert } from '../template/inert.js';
import type { TaskResult } from './events.js';
import type { HostState } from './host-state.js';
import type { InvocationScope } from './invocation-scope.js';
import { prepareInvocations, type PreparedOnHost } from './prepare-invocations.js';
import { runInvocation } from './retry-invocation.js';
import type { PlayContext } from './run-context.js';
import { formatLocation, TaskError } from './task-error.js';
import { buildTaskVars } from './task-vars.js';
import { resolveBecome } from './resolve-become.js';
import { findUnknownCause, findUnknownRead, trackUnknownValues, unknownReading } from './unknown-values.js';
import { hideOutput, registeredValue, summarize, type ItemOutcome } from './task-outcome.js';

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
  const baseResult = {
    task: task.name ?? task.module,
    module: task.module,
    handler,
    location: formatLocation(task.location),
  };
  let outcomes: ItemOutcome[];
  let looped = false;
  // In check and drift, a task reading what only a real run produces is unknown, and does not run.
  const read = findUnknownRead(host, task);
  if (read) return finish(host, task, baseResult, [unknownReading(read)], false);
  try {
    const { become, prepared } = host.prepared.get(task) ?? (await prepareOnHost(ctx, host, task));
    host.prepared.delete(task);
    looped = prepared.looped;
    outcomes = [];
    for (const [index, invocation] of prepared.invocations.entries()) {
      const scope: InvocationScope = {
        ctx,
        host,
        task,
        module,
        upcoming,
        become,
        invocations: prepared.invocations,
        index,
      };
      outcomes.push({ ...(await runInvocation(scope, invocation)), label: invocation.label });
      if (outcomes[outcomes.length - 1].status === 'failed' && !looped) break;
    }
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    host.prepared.delete(task);
    const unknownCause = findUnknownCause(host, error);
    if (unknownCause) return finish(host, task, baseResult, [unknownReading(unknownCause)], false);
    const message = error instanceof TaskError ? error.message : `${(error as Error).message}`;
    outcomes = [
      { status: 'failed', changes: [], registered: { failed: true, changed: false, msg: message }, error: message },
    ];
  }
  return finish(host, task, baseResult, outcomes, looped);
}

/** The task's result from its outcomes; what it registers, sets and notifies. */
function finish(
  host: HostState,
  task: TaskNode,
  baseResult: Omit<TaskResult, 'status' | 'changes'>,
  outcomes: ItemOutcome[],
  looped: boolean,
): TaskResult {
  const result = task.noLog
    ? hideOutput(summarize(baseResult, outcomes, looped))
    : summarize(baseResult, outcomes, looped);
  // What a task registers or sets is final: it is never rendered again (see markInert).
  if (task.register) host.registered[task.register] = markInert(registeredValue(outcomes, looped));
  for (const outcome of outcomes) if (outcome.facts) Object.assign(host.registered, markInert(outcome.facts));
  trackUnknownValues(host, task, result, setFactNames(task));
  if (result.status === 'changed') for (const topic of task.notify) host.notified.add(topic);
  if (result.status === 'failed' && task.ignoreErrors) result.ignored = true;
  return result;
}

async function prepareOnHost(ctx: PlayContext, host: HostState, task: TaskNode): Promise<PreparedOnHost> {
  const module = ctx.run.modules.get(task.module)!;
  const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, task);
  const become = resolveBecome(ctx, host.name, task, vars);
  const prepared = await prepareInvocations(task, module, vars, { host: host.name });
  return { vars, become, prepared };
}

/** The names a set_fact task sets (what it sets is unknown when the task is). */
function setFactNames(task: TaskNode): string[] {
  if (task.module !== 'set_fact' || typeof task.args !== 'object') return [];
  return Object.keys(task.args).filter((key) => key !== 'cacheable');
}
