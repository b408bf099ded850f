import { hasTemplate } from '../template/render.js';
import type { LoadContext } from './load-context.js';
import type { YamlFile } from './source.js';

type RawMap = Record<string, unknown>;

/** The name of a value's type as a YAML author thinks of it. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the plain string '${value}'`;
  return `the ${typeof value} ${String(value)}`;
}

/**
 * A condition keyword (`when`, `changed_when`, `failed_when`, `until`): an expression string, a
 * boolean, or a list of them (all must hold). Numbers are read as Ansible does (0 is false). An
 * empty value is no condition. Anything else is a problem; undefined is returned for it.
 */
export function readConditions(
  raw: RawMap,
  key: string,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
): unknown[] | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  const isCondition = (item: unknown) =>
    typeof item === 'string' || typeof item === 'boolean' || typeof item === 'number';
  const list = Array.isArray(value) ? value : [value];
  if (list.every(isCondition)) return list;
  const bad = list.find((item) => !isCondition(item));
  const index = Array.isArray(value) ? value.indexOf(bad) : -1;
  ctx.problems.push({
    message: `${key} must be a condition (an expression string or a boolean) or a list of them, but ${index === -1 ? 'it is' : `item ${index + 1} of the list is`} ${describeType(bad)}`,
    location: index === -1 ? source.locate(raw, key) : source.locate(value, index),
    task: label,
    field: key,
    hint:
      bad !== null && typeof bad === 'object' && !Array.isArray(bad)
        ? `write the expression as text, e.g. ${key}: result.rc == 0 (a value that starts with { is a YAML map: quote it, ${key}: "{{ x }}")`
        : `write the expression as text, e.g. ${key}: result.rc == 0, or a list of such expressions`,
  });
  return undefined;
}

/**
 * A loop keyword (`loop`, `with_items`, `with_list`): a list, or a template that gives one when
 * rendered. A number, a boolean, a map or a plain string can never be looped over.
 */
export function checkLoop(raw: RawMap, key: string, source: YamlFile, ctx: LoadContext, label: string): boolean {
  const value = raw[key];
  if (value === undefined || value === null || Array.isArray(value)) return true;
  if (typeof value === 'string' && hasTemplate(value)) return true;
  const hint =
    typeof value === 'string'
      ? `a bare name is not a variable: write ${key}: "{{ ${value.trim() || 'items'} }}", or a list: ${key}: [${value}]`
      : typeof value === 'object'
        ? `write the items as a list, one "- item" per line (to loop over a map, list its entries)`
        : `write the items as a list, e.g. ${key}: [${String(value)}], or a template: ${key}: "{{ items }}"`;
  ctx.problems.push({
    message: `${key} must be a list or a template that gives one, but it is ${describeType(value)}`,
    location: source.locate(raw, key),
    task: label,
    field: key,
    hint,
  });
  return false;
}

/** A string, or a list of strings (numbers are taken as text); `tags: a, b` is two tags. */
export function readStringList(
  value: unknown,
  key: string,
  raw: RawMap,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string')
    return key === 'tags'
      ? value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number'))
    return value.map(String);
  const index = Array.isArray(value)
    ? value.findIndex((item) => typeof item !== 'string' && typeof item !== 'number')
    : -1;
  ctx.problems.push({
    message: `${key} must be a string or a list of strings, but ${index === -1 ? 'it is' : `item ${index + 1} of the list is`} ${describeType(index === -1 ? value : (value as unknown[])[index])}`,
    location: index === -1 ? source.locate(raw, key) : source.locate(value, index),
    task: label,
    field: key,
    hint: key === 'tags' ? 'e.g. tags: [nginx, config]' : `e.g. ${key}: [restart nginx]`,
  });
  return [];
}
