/**
 * Filters and tests by name, for the filters that apply others (map('upper'), select('match', ...)).
 * filters/index.ts and tests/index.ts fill these tables.
 */
import { TemplateSyntaxError } from '../errors.js';

export type Callable = (this: unknown, ...args: unknown[]) => unknown;

export const filterTable: Record<string, Callable> = Object.create(null);
export const testTable: Record<string, Callable> = Object.create(null);

export function callFilter(context: unknown, name: string, input: unknown, args: unknown[]): unknown {
  const filter = filterTable[String(name).replace(/^ansible\.(?:builtin|legacy)\./, '')];
  if (!filter) throw new TemplateSyntaxError(`no filter named '${name}'`);
  return filter.call(context, input, ...args);
}

export function callTest(context: unknown, name: string, input: unknown, args: unknown[]): boolean {
  const test = testTable[String(name).replace(/^ansible\.(?:builtin|legacy)\./, '')];
  if (!test) throw new TemplateSyntaxError(`no test named '${name}'`);
  return test.call(context, input, ...args) === true;
}
