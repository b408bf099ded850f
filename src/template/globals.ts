/** The functions every template may call: range, dict, namespace, lookup, query, q, cycler, joiner. */
import { TemplateSyntaxError } from './errors.js';
import { splitArguments } from './jinja/arguments.js';
import type { GlobalFunction } from './jinja/context.js';
import { requireDefined } from './jinja/undefined.js';
import { lookup, query } from './lookups/index.js';
import { markTemplateMade } from './python/collection-methods.js';
import { pyStr } from './python/repr.js';
import { isMapping, Namespace, unwrap } from './python/values.js';

/** Jinja2's sandbox bound on range(): a template cannot build an unbounded list. */
const MAX_RANGE = 100000;

function range(...args: unknown[]): number[] {
  const numbers = args.map((arg) => Number(unwrap(requireDefined(arg))));
  const [start, stop, step] =
    numbers.length === 1 ? [0, numbers[0], 1] : [numbers[0], numbers[1], numbers.length > 2 ? numbers[2] : 1];
  if (step === 0) throw new TemplateSyntaxError('range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_RANGE) throw new TemplateSyntaxError(`range() is limited to ${MAX_RANGE} items`);
  return Array.from({ length: count }, (_, index) => start + index * step);
}

function pairsOf(value: unknown): Array<[string, unknown]> {
  const input = unwrap(requireDefined(value));
  if (isMapping(input)) return Object.entries(input);
  if (!Array.isArray(input)) throw new TemplateSyntaxError('dict() takes a dict or a list of pairs');
  return input.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new TemplateSyntaxError(`dict(): each item must be a pair, not ${pyStr(pair)}`);
    return [pyStr(pair[0]), pair[1]];
  });
}

function dict(...args: unknown[]): Record<string, unknown> {
  const { positional, keywords } = splitArguments(args);
  return markTemplateMade(Object.fromEntries([...positional.flatMap(pairsOf), ...Object.entries(keywords)]));
}

function namespace(...args: unknown[]): Namespace {
  const space = new Namespace();
  for (const [key, value] of Object.entries(dict(...args))) space.attributes.set(key, value);
  return space;
}

function cycler(...items: unknown[]) {
  let index = 0;
  const state = new Namespace();
  const advance = () => {
    const item = items[index % items.length];
    index++;
    state.attributes.set('current', items[index % items.length]);
    return item;
  };
  state.attributes.set('current', items[0]);
  state.attributes.set('next', advance);
  state.attributes.set('reset', () => {
    index = 0;
    state.attributes.set('current', items[0]);
    return '';
  });
  return state;
}

function joiner(separator: unknown = ', ') {
  let first = true;
  return () => {
    if (first) {
      first = false;
      return '';
    }
    return pyStr(separator);
  };
}

export const GLOBAL_FUNCTIONS: Readonly<Record<string, GlobalFunction>> = Object.freeze({
  range,
  dict,
  namespace,
  lookup,
  query,
  q: query,
  cycler,
  joiner,
});

/** Names every template sees below the variables: the template module's ansible_managed. */
export const GLOBAL_VALUES: Readonly<Record<string, unknown>> = Object.freeze({ ansible_managed: 'Ansible managed' });
