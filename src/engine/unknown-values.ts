/**
 * Values only a real run produces. In check and drift, a task that did not really run (a command
 * without guards, a task whose own outcome was unknown) leaves its registered result and set_fact
 * values unknown; a later task that reads one is unknown too, on that host, and the host goes on.
 */
import { UndefinedVariableError } from '../template/errors.js';
import type { TaskNode } from '../tree/types.js';
import type { TaskResult, UnknownReason } from './events.js';
import type { ItemOutcome } from './task-outcome.js';
import type { HostState } from './host-state.js';

/** The unknown value a task reads, if any (a task's conditions on its own result do not count). */
export function findUnknownRead(host: HostState, task: TaskNode): { name: string; why: UnknownReason } | undefined {
  if (host.unknownValues.size === 0) return undefined;
  const inputs = JSON.stringify([
    task.args,
    task.when,
    task.loop,
    task.vars,
    task.loopControl.label,
    task.become,
    task.becomeUser,
  ]);
  const outcomeConditions = JSON.stringify([task.until, task.changedWhen, task.failedWhen]);
  for (const [name, why] of host.unknownValues) {
    const word = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
    if (word.test(inputs) || (name !== task.register && word.test(outcomeConditions))) return { name, why };
  }
  return undefined;
}

/** An error from a value only a real run would have defined (a template file reading an unknown result). */
export function findUnknownCause(host: HostState, error: unknown): { name: string; why: UnknownReason } | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (!(cause instanceof UndefinedVariableError)) continue;
    const root = cause.variable.split(/[.[]/)[0];
    const why = host.unknownValues.get(root);
    if (why) return { name: root, why };
  }
  return undefined;
}

/** The outcome of a task (or loop item) that reads an unknown value. */
export function unknownReading(read: { name: string; why: UnknownReason }): ItemOutcome {
  const reason = read.why.dependsOn
    ? `reads '${read.name}', which only a real run of '${read.why.dependsOn}' produces`
    : `reads '${read.name}', which only a real run produces`;
  return unknownOutcome({ reason, dependsOn: read.why.dependsOn });
}

/** An outcome check or drift cannot tell: neither run nor skipped. */
export function unknownOutcome(why: UnknownReason): ItemOutcome {
  return {
    status: 'unknown',
    changes: [],
    registered: { changed: false, failed: false, skipped: true, msg: why.reason },
    unknown: why,
  };
}

/** After a task: what it registered or set is unknown if its outcome was, known again otherwise. */
export function trackUnknownValues(host: HostState, task: TaskNode, result: TaskResult, setNames: string[]): void {
  const names = [...(task.register ? [task.register] : []), ...setNames];
  for (const name of names) {
    if (result.status === 'unknown')
      host.unknownValues.set(name, {
        reason: result.unknown!.reason,
        dependsOn: result.unknown!.dependsOn ?? result.task,
      });
    else host.unknownValues.delete(name);
  }
}
