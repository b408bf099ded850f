/** Filters on dicts: dict2items, items2dict, combine, dictsort, items, extract, subelements. */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments, splitArguments } from '../jinja/arguments.js';
import { requireDefined, Undefined } from '../jinja/undefined.js';
import { pyStr } from '../python/repr.js';
import { compareValues, isMapping, makeTuple, truthy, typeName, unwrap } from '../python/values.js';
import { getAttribute } from './attribute.js';
import { itemsOf } from './lists.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

function mapping(input: unknown, filter: string): Record<string, unknown> {
  const value = unwrap(requireDefined(input));
  if (!isMapping(value)) throw new TemplateSyntaxError(`${filter} requires a dictionary, got ${typeName(value)}`);
  return value;
}

type ListMerge = 'replace' | 'keep' | 'append' | 'prepend' | 'append_rp' | 'prepend_rp';

function mergeLists(left: unknown[], right: unknown[], how: ListMerge): unknown[] {
  switch (how) {
    case 'keep':
      return left;
    case 'append':
      return [...left, ...right];
    case 'prepend':
      return [...right, ...left];
    case 'append_rp':
      return [...left.filter((item) => !right.includes(item)), ...right];
    case 'prepend_rp':
      return [...right, ...left.filter((item) => !right.includes(item))];
    default:
      return right;
  }
}

/** Ansible's combine: later dicts win; with recursive=true, dicts inside are merged too. */
function merge(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
  recursive: boolean,
  lists: ListMerge,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const existing = out[key];
    if (recursive && isMapping(existing) && isMapping(value)) out[key] = merge(existing, value, recursive, lists);
    else if (Array.isArray(existing) && Array.isArray(value)) out[key] = mergeLists(existing, value, lists);
    else out[key] = value;
  }
  return out;
}

function combine(input: unknown, ...args: unknown[]): Record<string, unknown> {
  const { positional, keywords } = splitArguments(args);
  const unknownKey = Object.keys(keywords).find((key) => key !== 'recursive' && key !== 'list_merge');
  if (unknownKey) throw new TemplateSyntaxError(`'${unknownKey}' is not a valid keyword argument of combine`);
  const lists = (keywords.list_merge ?? 'replace') as ListMerge;
  if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(lists))
    throw new TemplateSyntaxError(`combine: unknown list_merge '${pyStr(lists)}'`);
  const dicts = [input, ...positional].flatMap((item) => (Array.isArray(item) ? item : [item]));
  return dicts.reduce<Record<string, unknown>>(
    (acc, item) => merge(acc, mapping(item, 'combine'), truthy(keywords.recursive ?? false), lists),
    {},
  );
}

function dictsort(input: unknown, ...args: unknown[]): unknown[] {
  const { case_sensitive, by = 'key', reverse } = bindArguments('dictsort', args, ['case_sensitive', 'by', 'reverse']);
  const position = by === 'value' ? 1 : by === 'key' ? 0 : undefined;
  if (position === undefined) throw new TemplateSyntaxError("You can only sort by either 'key' or 'value'");
  const key = (entry: unknown[]) => {
    const value = entry[position];
    return !truthy(case_sensitive ?? false) && typeof value === 'string' ? value.toLowerCase() : value;
  };
  return Object.entries(mapping(input, 'dictsort'))
    .map((entry) => makeTuple(entry))
    .sort((a, b) => compareValues(key(a), key(b)) * (truthy(reverse ?? false) ? -1 : 1));
}

function subelements(input: unknown, ...args: unknown[]): unknown[] {
  const { subelements: path, skip_missing } = bindArguments('subelements', args, ['subelements', 'skip_missing']);
  const items = isMapping(input) ? Object.values(input) : itemsOf(input);
  return items.flatMap((item) => {
    const values = getAttribute(item, pyStr(path));
    if (values instanceof Undefined) {
      if (truthy(skip_missing ?? false)) return [];
      throw new TemplateSyntaxError(`could not find '${pyStr(path)}' key in iterated item '${pyStr(item)}'`);
    }
    if (!Array.isArray(values)) throw new TemplateSyntaxError(`the key ${pyStr(path)} should point to a list`);
    return values.map((value) => makeTuple([item, value]));
  });
}

export const DICT_FILTERS: Record<string, Filter> = {
  dict2items: (input, ...args) => {
    const { key_name = 'key', value_name = 'value' } = bindArguments('dict2items', args, ['key_name', 'value_name']);
    return Object.entries(mapping(input, 'dict2items')).map(([key, value]) => ({
      [pyStr(key_name)]: key,
      [pyStr(value_name)]: value,
    }));
  },
  items2dict: (input, ...args) => {
    const { key_name = 'key', value_name = 'value' } = bindArguments('items2dict', args, ['key_name', 'value_name']);
    return Object.fromEntries(
      itemsOf(input).map((item) => {
        const key = getAttribute(item, pyStr(key_name));
        return [pyStr(requireDefined(key)), requireDefined(getAttribute(item, pyStr(value_name)))];
      }),
    );
  },
  combine,
  dictsort,
  items: (input) =>
    input instanceof Undefined ? [] : Object.entries(mapping(input, 'items')).map((e) => makeTuple(e)),
  extract: (input, container, morekeys) => {
    let value = getAttribute(container, typeof input === 'number' ? input : pyStr(input));
    for (const key of Array.isArray(morekeys) ? morekeys : morekeys === undefined ? [] : [morekeys])
      value = getAttribute(value, typeof key === 'number' ? key : pyStr(key));
    return value;
  },
  subelements,
};
