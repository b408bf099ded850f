import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BecomeOptions } from '../connection/types.js';
import type { ModuleDefinition, PrepareContext } from '../modules/types.js';
import { findLocalFile } from '../tree/local-files.js';
import type { TaskNode } from '../tree/types.js';
import { validateArgs } from '../modules/validate-args.js';
import { registerSecret } from '../secrets/mask.js';
import { TemplateSyntaxError, UndefinedVariableError } from '../template/errors.js';
import { evaluateCondition } from '../template/expression.js';
import { withInertNames } from '../template/inert.js';
import { renderString, renderValue } from '../template/render.js';
import { renderTemplateSource } from '../template/render-template-file.js';
import { formatLocation, TaskError } from './task-error.js';
import { readLoopItems } from './loop-items.js';

/** One run of a module on a host: a task, or one item of a looped task. */
export interface Invocation {
  key: string;
  index: number;
  item?: unknown;
  label?: string;
  vars: Record<string, unknown>;
  args: unknown;
  /** The `when` condition is false for this item. */
  skipped: boolean;
}

export interface PreparedTask {
  module: ModuleDefinition;
  invocations: Invocation[];
  looped: boolean;
}

/** A task's preparation on one host, with the variables and become it was prepared with. */
export interface PreparedOnHost {
  vars: Record<string, unknown>;
  become: BecomeOptions | undefined;
  prepared: PreparedTask;
}

/**
 * Evaluates `when`, expands the loop, renders and validates the arguments and runs the module's
 * prepare() for each item. Pure with respect to hosts: it may only read local files.
 */
export async function prepareInvocations(
  task: TaskNode,
  module: ModuleDefinition,
  vars: Record<string, unknown>,
  options: { host: string },
): Promise<PreparedTask> {
  return withTaskContext(task, async () => {
    const looped = task.loop !== undefined;
    const items = looped ? readLoopItems(task, vars) : [undefined];
    const invocations: Invocation[] = [];
    for (const [index, item] of items.entries()) {
      // Loop items are rendered once, with the loop: they are not rendered again when read.
      const itemVars = looped
        ? withInertNames(
            {
              ...vars,
              [task.loopControl.loop_var]: item,
              ...(task.loopControl.index_var ? { [task.loopControl.index_var]: index } : {}),
            },
            [task.loopControl.loop_var],
          )
        : vars;
      const label = looped ? describeItem(task, item, itemVars) : undefined;
      if (!evaluateCondition(task.when, itemVars)) {
        invocations.push({
          key: `${task.id}#${index}`,
          index,
          item,
          label,
          vars: itemVars,
          args: undefined,
          skipped: true,
        });
        continue;
      }
      const rendered = renderValue(task.args, itemVars) as Record<string, unknown>;
      const { issues, parsed } = validateArgs(module, rendered, 'strict');
      if (issues.length > 0) {
        const issue = issues[0];
        throw new TaskError(
          `invalid argument ${module.name}.${issue.field}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`,
          task.argLocations[issue.field.split('.')[0]] ?? task.location,
          issue.field,
        );
      }
      for (const name of module.secretArgs ?? []) registerSecret((parsed as Record<string, unknown>)[name]);
      const args = module.prepare
        ? await module.prepare(parsed, createPrepareContext(task, itemVars, options))
        : parsed;
      const digest = createHash('sha1')
        .update(JSON.stringify(args) ?? '')
        .digest('hex')
        .slice(0, 12);
      invocations.push({
        key: `${task.id}#${index}#${digest}`,
        index,
        item,
        label,
        vars: itemVars,
        args,
        skipped: false,
      });
    }
    return { module, invocations, looped };
  });
}

/** Turns template and condition errors into TaskErrors naming the task and where it is written. */
export async function withTaskContext<T>(
  task: { name?: string; module?: string; location: import('../tree/source-location.js').SourceLocation },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof TaskError) throw error;
    if (error instanceof UndefinedVariableError) {
      throw new TaskError(
        `${error.message} in task '${task.name ?? task.module}' (${formatLocation(task.location)}); define it (vars, group_vars, -e) or give it a default: {{ ${error.variable} | default('...') }}`,
        task.location,
        undefined,
        { cause: error },
      );
    }
    if (error instanceof TemplateSyntaxError) {
      throw new TaskError(
        `${error.message} in task '${task.name ?? task.module}' (${formatLocation(task.location)})`,
        task.location,
        undefined,
        { cause: error },
      );
    }
    throw error;
  }
}

function describeItem(task: TaskNode, item: unknown, vars: Record<string, unknown>): string {
  if (task.loopControl.label !== undefined) return String(renderString(task.loopControl.label, vars));
  return typeof item === 'object' ? JSON.stringify(item) : String(item);
}

function createPrepareContext(
  task: TaskNode,
  vars: Record<string, unknown>,
  options: { host: string },
): PrepareContext {
  return {
    host: options.host,
    vars,
    render(template, source) {
      try {
        return renderTemplateSource(template, vars, source);
      } catch (error) {
        // withTaskContext names the variable; this names the template file and its line too.
        if (!(error instanceof UndefinedVariableError) || error.file === undefined) throw error;
        throw new TaskError(
          `${error.message} in task '${task.name ?? task.module}' (${formatLocation(task.location)}); define it (vars, group_vars, -e) or give it a default: {{ ${error.variable} | default('...') }}`,
          task.argLocations.src ?? task.argLocations.template ?? task.location,
          undefined,
          { cause: error },
        );
      }
    },
    resolveLocalFile(kind, path) {
      // The same lookup the loader checks literal paths with (playbook/local-files.ts).
      const playbookDir = typeof vars.playbook_dir === 'string' ? vars.playbook_dir : undefined;
      const { found, candidates } = findLocalFile(kind, path, { role: task.role, baseDir: task.baseDir, playbookDir });
      if (!found)
        throw new TaskError(
          `local file not found: ${path} (looked in ${candidates.join(', ')})`,
          task.argLocations.src ?? task.location,
          'src',
        );
      return found;
    },
  };
}

export function readLocalText(path: string): string {
  return readFileSync(path, 'utf8');
}
