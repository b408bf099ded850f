/** What the template module does in prepare(), for modules that take a `template` parameter. */
import { readFileSync } from 'node:fs';
import type { PrepareContext } from '../types.js';

/** Finds SRC in the role's templates/ (then next to the playbook) and renders it with the task's variables (Jinja2; mustache for *.mustache). */
export function renderTemplateFile(ctx: PrepareContext, src: string): string {
  const local = ctx.resolveLocalFile('templates', src);
  return ctx.render(readFileSync(local, 'utf8'), local);
}
