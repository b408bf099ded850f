import type { TaskNode } from '../tree/types.js';

/** Conservative dependency check: does the task's text mention any of these variable names? */
export function mentionsAny(task: TaskNode, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  const text = JSON.stringify([
    task.args,
    task.when,
    task.loop,
    task.vars,
    task.loopControl.label,
    task.until,
    task.changedWhen,
    task.failedWhen,
    task.become,
    task.becomeUser,
  ]);
  for (const name of names)
    if (new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text)) return true;
  return false;
}
