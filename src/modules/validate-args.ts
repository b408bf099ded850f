import type { z } from 'zod';
import type { ModuleDefinition } from './types.js';
import { hasTemplate } from '../template/render.js';
import { suggestName } from '../suggest.js';

export interface ArgIssue {
  field: string;
  message: string;
  hint?: string;
}

/** The object shape behind a module schema, looking through preprocess/transform/default wrappers. */
export function schemaShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  // A pipe (preprocess or transform) has the object on one side: look through both.
  const queue: any[] = [schema];
  for (let seen = 0; queue.length > 0 && seen < 16; seen++) {
    const current = queue.shift();
    if (!current) continue;
    if (current.shape && typeof current.shape === 'object') return current.shape;
    const def = current._zod?.def ?? current.def;
    if (def) queue.push(def.out, def.in, def.innerType, def.schema);
  }
  return undefined;
}

/** Whether a task's raw arguments could be meant for this module: free-form text, or only its parameters. */
export function argsFit(module: ModuleDefinition, args: unknown): boolean {
  if (typeof args === 'string') return module.freeForm !== undefined;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return false;
  const shape = schemaShape(module.schema);
  return shape !== undefined && Object.keys(args).every((key) => key in shape);
}

/**
 * Validates a task's arguments. Before rendering (`lenient`), fields holding a template cannot be
 * type-checked yet and are skipped; after rendering everything is checked and the parsed
 * arguments (with defaults) are returned.
 */
export function validateArgs(
  module: ModuleDefinition,
  args: Record<string, unknown>,
  mode: 'lenient' | 'strict',
): { issues: ArgIssue[]; parsed?: unknown } {
  const issues: ArgIssue[] = [];
  const shape = schemaShape(module.schema);
  if (shape) {
    const known = Object.keys(shape);
    for (const key of Object.keys(args)) {
      if (!(key in shape)) {
        const best = suggestName(key, known);
        issues.push({
          field: key,
          message: `unknown parameter '${key}' for module ${module.name}`,
          hint: best
            ? `did you mean '${best}'? (see: drover doc ${module.name})`
            : `known parameters: ${known.join(', ')} (see: drover doc ${module.name})`,
        });
      }
    }
  }
  const nulFields = findNulFields(args);
  for (const field of nulFields) {
    issues.push({
      field,
      message: `holds a NUL byte (\\0), which no command line, file name or shell word on a host can carry`,
      hint: 'remove it; for file content with NUL bytes, put the bytes in a file and use src:',
    });
  }
  if (nulFields.length > 0) return { issues };
  const result = module.schema.safeParse(args);
  if (result.success) return { issues, parsed: result.data };
  for (const issue of result.error.issues) {
    if (mode === 'lenient' && pathTouchesTemplate(args, issue.path)) continue;
    if (issue.code === 'unrecognized_keys') continue; // reported above with a suggestion
    const field = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
    issues.push({ field, message: issue.message, hint: `see: drover doc ${module.name}` });
  }
  return { issues };
}

function pathTouchesTemplate(args: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  if (hasTemplate(args) && path.length === 0) return true;
  let current: unknown = args;
  for (const key of path) {
    if (hasTemplate(current) && (current === null || typeof current !== 'object')) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<PropertyKey, unknown>)[key as string];
    if (typeof current === 'string' && current.includes('{{')) return true;
  }
  // A refinement over several fields (e.g. "content or src") may hinge on a templated one.
  return path.length === 0 ? hasTemplate(args) : false;
}

/** The fields (dotted paths) whose strings hold a NUL byte, anywhere inside the arguments. */
function findNulFields(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') return value.includes('\0') ? [path.length > 0 ? path.join('.') : '(arguments)'] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => findNulFields(item, [...path, String(index)]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => findNulFields(item, [...path, key]));
  return [];
}
