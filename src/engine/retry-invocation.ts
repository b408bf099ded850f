import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskNode } from '../tree/types.js';
import { evaluateCondition } from '../template/expression.js';
import { attemptInvocation } from './attempt-invocation.js';
import type { InvocationScope } from './invocation-scope.js';
import { withTaskContext, type Invocation } from './prepare-invocations.js';
import type { ItemOutcome } from './task-outcome.js';

/** Runs one invocation, attempting it again as `until`, `retries` and `delay` say. */
export async function runInvocation(scope: InvocationScope, invocation: Invocation): Promise<ItemOutcome> {
  const { task } = scope;
  if (invocation.skipped)
    return {
      status: 'skipped',
      changes: [],
      registered: { changed: false, skipped: true, skip_reason: 'Conditional result was False' },
      skipReason: 'condition is false',
    };
  const attempts = countAttempts(task);
  let outcome: ItemOutcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    outcome = await attemptInvocation(scope, invocation);
    // An unknown outcome cannot satisfy or fail `until`: it stays unknown.
    if (attempts === 1 || outcome.status === 'unknown') break;
    outcome.registered.attempts = attempt;
    const vars = { ...invocation.vars, ...(task.register ? { [task.register]: outcome.registered } : {}) };
    const done =
      task.until === undefined
        ? outcome.status !== 'failed'
        : await withTaskContext(task, async () => evaluateCondition(task.until, vars));
    if (done) break;
    if (attempt === attempts) {
      const why =
        task.until === undefined
          ? `still failing after ${attempts} attempts`
          : `'until' condition still false after ${attempts} attempts`;
      outcome = {
        ...outcome,
        status: 'failed',
        registered: { ...outcome.registered, failed: true },
        error: outcome.error ? `${outcome.error} (${why})` : why,
      };
      break;
    }
    await sleep((task.delay ?? 5) * 1000);
  }
  return outcome!;
}

/** As ansible-core: the first attempt plus `retries` more (default 3 with `until`); `retries` alone retries until the task succeeds. */
function countAttempts(task: TaskNode): number {
  if (task.until === undefined && task.retries === undefined) return 1;
  return 1 + Math.max(0, task.retries ?? 3);
}
