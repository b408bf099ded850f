/**
 * Template syntax checked at load time: a template or condition that cannot be parsed (or names a
 * filter or test drover does not have) fails the playbook before anything runs on any host,
 * rather than on every host when the task is reached.
 */
import { readFileSync } from 'node:fs';
import { findTemplateSyntaxError } from '../template/render.js';
import { isMustacheSource } from '../template/render-template-file.js';
import type { TemplateSyntaxError } from '../template/errors.js';
import type { SourceLocation } from '../tree/source-location.js';
import type { LoadContext } from './load-context.js';
import type { YamlFile } from './source.js';

type RawMap = Record<string, unknown>;

/** Keywords that hold Jinja2 expressions without braces, as Ansible reads them. */
const CONDITION_KEYWORDS = new Set(['when', 'changed_when', 'failed_when', 'until']);
/** Keywords whose value is a list of tasks, checked task by task when those are loaded. */
const TASK_LISTS = new Set(['block', 'rescue', 'always']);
/** Module arguments that are expressions without braces. */
const EXPRESSION_ARGS: Record<string, string[]> = { assert: ['that'], debug: ['var'] };

const HINT = 'fix the Jinja2 syntax (see docs/templates.md for what drover supports)';

/** Checks every keyword and module argument of a task (or block) as Ansible would template it. */
export function checkTaskTemplates(
  raw: RawMap,
  module: { key: string; name: string } | undefined,
  source: YamlFile,
  ctx: LoadContext,
  task: string,
): void {
  for (const [key, value] of Object.entries(raw)) {
    if (TASK_LISTS.has(key)) continue;
    if (module && key === module.key && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const expressions = EXPRESSION_ARGS[module.name] ?? [];
      for (const [field, arg] of Object.entries(value as RawMap)) {
        const error = findTemplateSyntaxError(arg, expressions.includes(field) ? 'expression' : 'playbook');
        if (error) report(error, source.locate(value, field), ctx, task, `${module.name}.${field}`);
      }
      continue;
    }
    const error = findTemplateSyntaxError(value, CONDITION_KEYWORDS.has(key) ? 'expression' : 'playbook');
    if (error) report(error, source.locate(raw, key), ctx, task, key);
  }
}

/** Checks a template file on the controller (a Jinja2 one: .mustache files are not Jinja2). */
export function checkTemplateFile(
  path: string,
  ctx: LoadContext,
  task: string,
  field: string,
  location: SourceLocation,
): void {
  if (isMustacheSource(path)) return;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return; // not readable: the task reports it when it runs, with the reason
  }
  const error = findTemplateSyntaxError(text, 'file');
  if (!error) return;
  ctx.problems.push({
    message: `${error.reason} in template ${path}${error.line === undefined ? '' : `:${error.line}`}`,
    location,
    task,
    field,
    hint: HINT,
  });
}

function report(error: TemplateSyntaxError, location: SourceLocation, ctx: LoadContext, task: string, field: string) {
  ctx.problems.push({ message: error.reason, location, task, field, hint: HINT });
}
