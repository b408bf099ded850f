/**
 * include_tasks: which files a host includes, and loading their tasks at run time. The only
 * engine file that calls the playbook loader.
 */
import { UnreachableError } from '../connection/types.js';
import { createLoadContext } from '../playbook/load-context.js';
import { loadTasksFile, resolveTasksPath } from '../playbook/load-tasks.js';
import { formatProblem } from '../playbook/errors.js';
import type { IncludeNode, TaskTree } from '../tree/types.js';
import { evaluateCondition } from '../template/expression.js';
import { withInertNames } from '../template/inert.js';
import { renderString } from '../template/render.js';
import type { HostState } from './host-state.js';
import { markUnreachable, record } from './host-results.js';
import { indexLeaves, type PlayRun } from './play-run.js';
import { readLoopItems } from './loop-items.js';
import { withTaskContext } from './prepare-invocations.js';
import { formatLocation, TaskError } from './task-error.js';
import { buildTaskVars } from './task-vars.js';

/** One file an include_tasks brings in for a host: its path and the loop variables of that item. */
export interface IncludeRun {
  path: string;
  itemVars: Record<string, unknown>;
}

const includeLabel = (node: IncludeNode) => `include_tasks ${node.file}`;

/** Loop items are rendered once, with the loop: they are not rendered again when read. */
function withLoopItem(node: IncludeNode, vars: Record<string, unknown>): Record<string, unknown> {
  return node.loop === undefined ? vars : withInertNames(vars, [node.loopControl.loop_var]);
}

/** The files an include_tasks brings in for this host (none when its `when` is false), in order. */
export async function resolveIncludeRuns(ctx: PlayRun, host: HostState, node: IncludeNode): Promise<IncludeRun[]> {
  const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, node);
  return withTaskContext({ name: includeLabel(node), location: node.location }, async () => {
    if (!evaluateCondition(node.when, vars)) return [];
    const items = node.loop === undefined ? [undefined] : readLoopItems(node, vars);
    return items.map((item, index) => {
      const itemVars =
        node.loop === undefined
          ? {}
          : {
              [node.loopControl.loop_var]: item,
              ...(node.loopControl.index_var ? { [node.loopControl.index_var]: index } : {}),
            };
      const file = renderString(node.file, withLoopItem(node, { ...vars, ...itemVars }));
      return {
        path: resolveTasksPath(file, { ...node, when: [], vars: withLoopItem(node, { ...node.vars, ...itemVars }) }),
        itemVars,
      };
    });
  });
}

/** Loads the tasks of one included file (the include's own vars and the item's apply to them). */
export function loadIncludeRun(ctx: PlayRun, node: IncludeNode, run: IncludeRun): TaskTree[] {
  const load = createLoadContext(ctx.run.modules, []);
  const inherited = { ...node, when: [], vars: withLoopItem(node, { ...node.vars, ...run.itemVars }) };
  const nodes = loadTasksFile(run.path, inherited, load, node.location);
  if (load.problems.length > 0) throw new TaskError(load.problems.map(formatProblem).join('\n'), node.location);
  indexLeaves(ctx, nodes);
  return nodes;
}

/** An include that could not be resolved or loaded fails on the host (or finds it unreachable). */
export function recordIncludeError(ctx: PlayRun, host: HostState, node: IncludeNode, error: unknown): void {
  if (error instanceof UnreachableError) return markUnreachable(ctx, host, error, includeLabel(node));
  record(
    ctx,
    host,
    {
      task: includeLabel(node),
      module: 'include_tasks',
      status: 'failed',
      changes: [],
      error: (error as Error).message,
      location: formatLocation(node.location),
    },
    false,
  );
}
