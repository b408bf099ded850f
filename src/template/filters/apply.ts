/** Filters that apply a filter or a test to each item: map, select, reject, selectattr, rejectattr. */
import { TemplateSyntaxError } from '../errors.js';
import { splitArguments } from '../jinja/arguments.js';
import { Undefined } from '../jinja/undefined.js';
import { pyStr } from '../python/repr.js';
import { compareValues, makeTuple, pyEquals, truthy } from '../python/values.js';
import { getAttribute } from './attribute.js';
import { itemsOf } from './lists.js';
import { callFilter, callTest } from './registry.js';

type Filter = (this: unknown, input: unknown, ...args: unknown[]) => unknown;

function withKeywords(positional: unknown[], keywords: Record<string, unknown>): unknown[] {
  return Object.keys(keywords).length > 0 ? [...positional, { ...keywords, __keywords: true }] : positional;
}

/** select/reject and their attr forms: keep the items the test (or truth) says, or the others. */
function selector(byAttribute: boolean, keep: boolean): Filter {
  return function (this: unknown, input: unknown, ...args: unknown[]) {
    const { positional, keywords } = splitArguments(args);
    const [attribute, test, ...testArgs] = byAttribute ? positional : [undefined, ...positional];
    if (byAttribute && attribute === undefined) throw new TemplateSyntaxError('selectattr needs an attribute');
    return itemsOf(input).filter((item) => {
      const value = byAttribute ? getAttribute(item, attribute) : item;
      const passes =
        test === undefined ? truthy(value) : callTest(this, pyStr(test), value, withKeywords(testArgs, keywords));
      return passes === keep;
    });
  };
}

function map(this: unknown, input: unknown, ...args: unknown[]): unknown[] {
  const { positional, keywords } = splitArguments(args);
  const items = itemsOf(input);
  if (positional.length === 0 && 'attribute' in keywords) {
    const { attribute, default: fallback } = keywords;
    return items.map((item) => {
      const value = getAttribute(item, attribute);
      return fallback !== undefined && value instanceof Undefined ? fallback : value;
    });
  }
  const [name, ...filterArgs] = positional;
  if (name === undefined) throw new TemplateSyntaxError('map needs a filter name or attribute=');
  return items.map((item) => callFilter(this, pyStr(name), item, withKeywords(filterArgs, keywords)));
}

/** groupby(attribute): (value, items) pairs, sorted by the value. */
function groupby(input: unknown, attribute: unknown): unknown[] {
  const groups: Array<[unknown, unknown[]]> = [];
  for (const item of itemsOf(input)) {
    const key = getAttribute(item, attribute);
    const group = groups.find(([existing]) => pyEquals(existing, key));
    if (group) group[1].push(item);
    else groups.push([key, [item]]);
  }
  return groups.sort((a, b) => compareValues(a[0], b[0])).map((group) => makeTuple(group));
}

export const APPLY_FILTERS: Record<string, Filter> = {
  map,
  select: selector(false, true),
  reject: selector(false, false),
  selectattr: selector(true, true),
  rejectattr: selector(true, false),
  groupby: (input, attribute) => groupby(input, attribute),
};
