import { matchesTaskName } from '../engine/select-tasks.js';
import type { Playbook, TaskTree } from '../tree/types.js';
import { UsageError } from './exit-codes.js';

/**
 * --start-at-task must name a task the playbook has (statically: tasks of include_tasks are not
 * known before they run, as in ansible-playbook). Otherwise nothing would run and the run would
 * look like a success.
 */
export function checkStartAtTask(playbook: Playbook, pattern: string | undefined): void {
  if (pattern === undefined) return;
  const found = playbook.plays.some((play) => play.sections.some((section) => hasMatch(section, pattern)));
  if (!found)
    throw new UsageError(
      `no task matches --start-at-task '${pattern}' (give a task's name, or a glob such as 'install*'; tasks of include_tasks cannot be started at)`,
    );
}

function hasMatch(nodes: TaskTree[], pattern: string): boolean {
  return nodes.some((node) => {
    if (node.kind === 'task') return matchesTaskName(node.name, pattern);
    if (node.kind === 'block') return [node.block, node.rescue, node.always].some((list) => hasMatch(list, pattern));
    return false;
  });
}
