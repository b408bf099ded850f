/** What a task's invocations did, turned into its result and its registered value. */
import type { ExecResult } from '../connection/types.js';
import type { TaskNode } from '../tree/types.js';
import { evaluateCondition } from '../template/expression.js';
import { markInert } from '../template/inert.js';
import type { CommandOutput, ReportedChange, TaskResult, TaskStatus, UnknownReason } from './events.js';
import type { Invocation } from './prepare-invocations.js';

/** What one invocation (a task, or one loop item) did. */
export interface ItemOutcome {
  status: TaskStatus;
  changes: ReportedChange[];
  registered: Record<string, unknown>;
  error?: string;
  unknown?: UnknownReason;
  skipReason?: string;
  msg?: string;
  facts?: Record<string, unknown>;
  label?: string;
}

/** changed_when and failed_when, evaluated with the task's own result under its register name. */
export function evaluateOutcome(task: TaskNode, invocation: Invocation, outcome: ItemOutcome): ItemOutcome {
  if (task.changedWhen === undefined && task.failedWhen === undefined) return outcome;
  const vars = {
    ...invocation.vars,
    ...outcome.registered,
    ...(task.register ? { [task.register]: outcome.registered } : {}),
  };
  let next = outcome;
  if (task.failedWhen !== undefined) {
    const failed = evaluateCondition(task.failedWhen, vars);
    if (failed && next.status !== 'failed')
      next = {
        ...next,
        status: 'failed',
        error: next.error ?? `failed_when condition is true: ${JSON.stringify(task.failedWhen)}`,
      };
    if (!failed && next.status === 'failed')
      next = { ...next, status: next.registered.changed ? 'changed' : 'ok', error: undefined };
    next.registered = { ...next.registered, failed };
  }
  if (task.changedWhen !== undefined && next.status !== 'failed') {
    const changed = evaluateCondition(task.changedWhen, vars);
    next = { ...next, status: changed ? 'changed' : 'ok', changes: changed ? next.changes : [] };
    next.registered = { ...next.registered, changed };
  }
  return next;
}

/** The fields a command result registers, as ansible-core names them. */
export function execFields(result: ExecResult): Record<string, unknown> {
  return markInert(commandFields(result));
}

function commandFields(result: ExecResult): Record<string, unknown> {
  const stdout = result.stdout.replace(/\n$/, '');
  const stderr = result.stderr.replace(/\n$/, '');
  return {
    rc: result.code,
    stdout,
    stderr,
    stdout_lines: stdout === '' ? [] : stdout.split('\n'),
    stderr_lines: stderr === '' ? [] : stderr.split('\n'),
  };
}

/** The task's one result from its invocations' outcomes (a looped task: one per item). */
export function summarize(
  base: Omit<TaskResult, 'status' | 'changes'>,
  outcomes: ItemOutcome[],
  looped: boolean,
): TaskResult {
  const statuses = outcomes.map((o) => o.status);
  // A change found is drift whatever else is unknown; an unknown item makes the task unknown otherwise.
  const status: TaskStatus = statuses.includes('failed')
    ? 'failed'
    : statuses.includes('changed')
      ? 'changed'
      : statuses.includes('unknown')
        ? 'unknown'
        : statuses.length > 0 && statuses.every((s) => s === 'skipped')
          ? 'skipped'
          : 'ok';
  const result: TaskResult = { ...base, status, changes: outcomes.flatMap((o) => o.changes) };
  const error = outcomes.find((o) => o.error)?.error;
  if (error) result.error = error;
  if (status === 'failed' && outcomes.some((o) => o.registered.changed === true)) result.changedBeforeFailing = true;
  const unknown = outcomes.find((o) => o.unknown)?.unknown;
  if (status === 'unknown' && unknown) result.unknown = unknown;
  const msgs = outcomes.map((o) => o.msg).filter((m): m is string => m !== undefined);
  if (msgs.length > 0 && !looped) result.msg = msgs[0];
  const output = looped ? undefined : commandOutput(outcomes[0]?.registered);
  if (output) result.output = output;
  if (status === 'skipped') result.skipReason = outcomes[0]?.skipReason;
  if (looped) {
    result.items = outcomes.map((o, i) => ({
      label: o.label ?? String(i),
      status: o.status,
      changes: o.changes,
      error: o.error,
      msg: o.msg,
      ...withOutput(commandOutput(o.registered)),
      ...(o.unknown ? { unknown: o.unknown } : {}),
    }));
  }
  return result;
}

const withOutput = (output: CommandOutput | undefined) => (output ? { output } : {});

/** The exit status and output of a registered command result, if the outcome ran one. */
function commandOutput(registered: Record<string, unknown> | undefined): CommandOutput | undefined {
  if (!registered || typeof registered.rc !== 'number') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { rc: registered.rc, stdout: text(registered.stdout), stderr: text(registered.stderr) };
}

/** What `register` keeps: the one outcome, or a loop's `results`. */
export function registeredValue(outcomes: ItemOutcome[], looped: boolean): Record<string, unknown> {
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
export function hideOutput(result: TaskResult): TaskResult {
  return {
    ...result,
    changes: result.changes.map(() => ({ summary: HIDDEN })),
    ...(result.error !== undefined ? { error: HIDDEN } : {}),
    ...(result.msg !== undefined ? { msg: HIDDEN } : {}),
    output: undefined,
    ...(result.items
      ? { items: result.items.map((item, index) => ({ label: String(index), status: item.status, changes: [] })) }
      : {}),
  };
}
