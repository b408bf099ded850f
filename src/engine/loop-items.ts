/**
 * The items of a task's or an include's loop on one host: `loop` renders to the list itself; a
 * `with_<lookup>` loop renders its terms, as Ansible's listify_lookup_plugin_terms does (text or a
 * scalar becomes a list of one), and the lookup makes the items of them (tree/loop-lookups.ts).
 */
import { renderValue } from '../template/render.js';
import { listify, LOOP_LOOKUPS, LoopLookupError } from '../tree/loop-lookups.js';
import type { IncludeNode, TaskNode } from '../tree/types.js';
import { formatLocation, TaskError } from './task-error.js';

type Looped = Pick<TaskNode | IncludeNode, 'loop' | 'loopWith' | 'name' | 'location' | 'role' | 'baseDir'> & {
  module?: string;
  file?: string;
};

const describe = (node: Looped) =>
  `'${node.name ?? node.module ?? `include_tasks ${node.file}`}' (${formatLocation(node.location)})`;

export function readLoopItems(node: Looped, vars: Record<string, unknown>): unknown[] {
  if (node.loopWith === undefined) {
    const value = renderValue(node.loop, vars);
    if (Array.isArray(value)) return value;
    if (value === null || value === undefined) return [];
    throw new TaskError(
      `loop must be a list, but it is ${typeof value} in task ${describe(node)}`,
      node.location,
      'loop',
    );
  }
  const keyword = `with_${node.loopWith}`;
  const lookup = Object.hasOwn(LOOP_LOOKUPS, node.loopWith) ? LOOP_LOOKUPS[node.loopWith] : undefined;
  if (!lookup) throw new TaskError(`${keyword} is not a loop drover supports`, node.location, keyword);
  const terms = listify(renderValue(typeof node.loop === 'string' ? node.loop.trim() : node.loop, vars));
  const playbookDir = typeof vars.playbook_dir === 'string' ? vars.playbook_dir : undefined;
  try {
    return lookup(terms, { scope: { role: node.role, baseDir: node.baseDir, playbookDir } });
  } catch (error) {
    if (!(error instanceof LoopLookupError)) throw error;
    throw new TaskError(`${keyword}: ${error.message} in task ${describe(node)}`, node.location, keyword, {
      cause: error,
    });
  }
}
