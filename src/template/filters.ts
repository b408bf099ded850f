/**
 * Applying filters by name outside a template: the same filters `{{ x | name(args) }}` runs
 * (see filters/index.ts), for code and tests that hold a value rather than a template.
 */
import { FILTER_NAMES } from './filters/index.js';
import { callFilter } from './filters/registry.js';
import { Undefined } from './jinja/undefined.js';

export { FILTER_NAMES };

export interface FilterCall {
  name: string;
  args: unknown[];
}

/** Applies filters in order; `missing` says the variable `name` is undefined (default accepts that). */
export function applyFilters(value: unknown, missing: boolean, name: string, filters: FilterCall[]): unknown {
  let current = missing ? new Undefined(name) : value;
  for (const filter of filters) current = callFilter(undefined, filter.name, current, filter.args);
  if (current instanceof Undefined) throw current.error();
  return current;
}
