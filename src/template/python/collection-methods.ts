/**
 * The list and dict methods a template may call. Reading ones work on any value; the ones that
 * change a list or dict (append, update, ...) only on a list or dict the template made itself
 * ({% set l = [] %}), so that a template never changes a variable of the play.
 */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { requireDefined } from '../jinja/undefined.js';
import { makeTuple, pyEquals, unwrap, compareValues } from './values.js';

type Method<T> = (self: T, args: unknown[]) => unknown;

const madeByTemplate = new WeakSet<object>();

/** Marks a list or dict literal of a template: the template may change it. */
export function markTemplateMade<T extends object>(value: T): T {
  madeByTemplate.add(value);
  return value;
}

function changeable<T extends object>(self: T, method: string): T {
  if (!madeByTemplate.has(self))
    throw new TemplateSyntaxError(
      `${method}() would change a variable of the play; build a new value instead (e.g. list + [item], dict | combine(other))`,
    );
  return self;
}

/** Python's list methods that change the list return None. */
function none(change: () => unknown): null {
  change();
  return null;
}

function indexOf(self: unknown[], value: unknown): number {
  return self.findIndex((item) => pyEquals(item, value));
}

export const LIST_METHODS: Record<string, Method<unknown[]>> = {
  index: (self, args) => {
    const at = indexOf(self, args[0]);
    if (at === -1) throw new TemplateSyntaxError('value is not in list');
    return at;
  },
  count: (self, args) => self.filter((item) => pyEquals(item, args[0])).length,
  copy: (self) => markTemplateMade([...self]),
  append: (self, args) => none(() => changeable(self, 'append').push(requireDefined(args[0]))),
  extend: (self, args) =>
    none(() => changeable(self, 'extend').push(...(unwrap(requireDefined(args[0])) as unknown[]))),
  insert: (self, args) => none(() => changeable(self, 'insert').splice(Number(args[0]), 0, requireDefined(args[1]))),
  pop: (self, args) => {
    const list = changeable(self, 'pop');
    if (list.length === 0) throw new TemplateSyntaxError('pop from empty list');
    const at = args[0] === undefined ? list.length - 1 : (Number(args[0]) + list.length) % list.length;
    return list.splice(at, 1)[0];
  },
  remove: (self, args) => {
    const list = changeable(self, 'remove');
    const at = indexOf(list, args[0]);
    if (at === -1) throw new TemplateSyntaxError('list.remove(x): x not in list');
    list.splice(at, 1);
    return null;
  },
  reverse: (self) => none(() => changeable(self, 'reverse').reverse()),
  sort: (self, args) => {
    const { reverse } = bindArguments('sort', args, ['key', 'reverse']);
    changeable(self, 'sort').sort((a, b) => compareValues(a, b) * (reverse ? -1 : 1));
    return null;
  },
  clear: (self) => none(() => changeable(self, 'clear').splice(0)),
};

export const DICT_METHODS: Record<string, Method<Record<string, unknown>>> = {
  keys: (self) => Object.keys(self),
  values: (self) => Object.values(self),
  items: (self) => Object.entries(self).map((entry) => makeTuple(entry)),
  get: (self, args) => {
    const { key, default: fallback } = bindArguments('get', args, ['key', 'default']);
    const name = String(unwrap(requireDefined(key)));
    return Object.hasOwn(self, name) ? self[name] : (fallback ?? null);
  },
  copy: (self) => markTemplateMade({ ...self }),
  update: (self, args) => {
    const target = changeable(self, 'update');
    const source = unwrap(requireDefined(args[0] ?? {})) as Record<string, unknown>;
    for (const [key, value] of Object.entries(source)) if (key !== '__keywords') target[key] = value;
    return null;
  },
  pop: (self, args) => {
    const target = changeable(self, 'pop');
    const name = String(args[0]);
    if (!Object.hasOwn(target, name)) {
      if (args.length > 1) return args[1];
      throw new TemplateSyntaxError(`KeyError: '${name}'`);
    }
    const value = target[name];
    delete target[name];
    return value;
  },
  setdefault: (self, args) => {
    const target = changeable(self, 'setdefault');
    const name = String(args[0]);
    if (!Object.hasOwn(target, name)) target[name] = args[1] ?? null;
    return target[name];
  },
};
