/**
 * lookup() and query(): the lookups that read the controller (env, file, template, vars,
 * varnames, password) or reshape their terms (items, list, dict, sequence, ...). Lookups that run
 * commands or reach the network (pipe, lines, url) are refused: rendering never runs anything.
 */
import { readFileSync } from 'node:fs';
import { TemplateSyntaxError } from '../errors.js';
import { splitArguments } from '../jinja/arguments.js';
import type { TemplateContext } from '../jinja/context.js';
import { readVariable } from '../jinja/scopes.js';
import { requireDefined, Undefined } from '../jinja/undefined.js';
import { percentFormat } from '../python/percent-format.js';
import { pythonRegex } from '../python/regex.js';
import { pyStr } from '../python/repr.js';
import { isMapping, makeTuple, truthy, unwrap } from '../python/values.js';
import { passwordLookup } from './password.js';
import { findLookupFile } from './search-path.js';

type Lookup = (context: TemplateContext, terms: unknown[], keywords: Record<string, unknown>) => unknown[];

const REFUSED: Record<string, string> = {
  pipe: "lookup('pipe') is not supported: drover never runs commands on the controller while rendering; run the command in a task and register its output",
  lines:
    "lookup('lines') is not supported: drover never runs commands on the controller while rendering; run the command in a task and register its output",
  url: "lookup('url') is not supported: rendering never reaches the network; fetch it in a task (uri or get_url) and register the result",
};

const flattenOnce = (terms: unknown[]) => terms.flatMap((term) => (Array.isArray(term) ? term : [term]));
const flattenAll = (terms: unknown[]): unknown[] =>
  terms.flatMap((term) => (Array.isArray(term) ? flattenAll(term) : [term]));

function sequence(term: string): string[] {
  const options: Record<string, string> = {};
  const shortcut = /^\s*(?:(\d+)-)?(\d+)(?:\/(\d+))?(?::(.+))?\s*$/.exec(term);
  if (shortcut && !term.includes('=')) {
    Object.assign(options, { start: shortcut[1] ?? '1', end: shortcut[2] });
    if (shortcut[3]) options.stride = shortcut[3];
    if (shortcut[4]) options.format = shortcut[4];
  } else {
    for (const part of term.trim().split(/\s+/)) {
      const at = part.indexOf('=');
      if (at <= 0) throw new TemplateSyntaxError(`lookup('sequence'): cannot read '${part}'`);
      options[part.slice(0, at)] = part.slice(at + 1);
    }
  }
  const start = Number(options.start ?? 1);
  const stride = Number(options.stride ?? 1);
  const end = options.count !== undefined ? start + (Number(options.count) - 1) * stride : Number(options.end);
  if (!Number.isFinite(end)) throw new TemplateSyntaxError("lookup('sequence'): give end= or count=");
  const out: string[] = [];
  for (let n = start; stride > 0 ? n <= end : n >= end; n += stride) {
    out.push(percentFormat(options.format ?? '%d', n));
    if (out.length > 100000) throw new TemplateSyntaxError("lookup('sequence'): too many items");
  }
  return out;
}

const LOOKUPS: Record<string, Lookup> = {
  env: (_, terms, keywords) => terms.map((term) => process.env[pyStr(term)] ?? keywords.default ?? ''),
  file: (context, terms, keywords) =>
    terms.map((term) => {
      const text = readFileSync(findLookupFile(context.session, 'files', pyStr(term), 'file'), 'utf8');
      const right = truthy(keywords.rstrip ?? true) ? text.replace(/\s+$/, '') : text;
      return truthy(keywords.lstrip ?? false) ? right.replace(/^\s+/, '') : right;
    }),
  template: (context, terms, keywords) =>
    terms.map((term) => {
      const path = findLookupFile(context.session, 'templates', pyStr(term), 'template');
      const extra = isMapping(keywords.template_vars) ? keywords.template_vars : {};
      return context.session.renderTemplateFile(path, { ...context.session.vars, ...extra });
    }),
  vars: (context, terms, keywords) =>
    terms.map((term) => {
      const name = pyStr(term);
      const vars = context.session.vars;
      if (Object.hasOwn(vars, name)) return readVariable(vars, name, context.session);
      if ('default' in keywords) return keywords.default;
      throw new Undefined(name, () => Object.keys(vars)).error();
    }),
  varnames: (context, terms) =>
    terms.flatMap((term) => {
      const regex = pythonRegex(pyStr(term));
      return Object.keys(context.session.vars).filter((name) => regex.test(name));
    }),
  password: (context, terms, keywords) => terms.map((term) => passwordLookup(context.session, pyStr(term), keywords)),
  items: (_, terms) => flattenOnce(terms),
  flattened: (_, terms) => flattenAll(terms),
  list: (_, terms) => terms,
  indexed_items: (_, terms) => flattenOnce(terms).map((item, index) => makeTuple([index, item])),
  dict: (_, terms) =>
    terms.flatMap((term) => {
      if (!isMapping(term)) throw new TemplateSyntaxError("lookup('dict') expects a dict");
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    }),
  sequence: (_, terms) => terms.flatMap((term) => sequence(pyStr(term))),
  together: (_, terms) => {
    const lists = terms.map((term) => (Array.isArray(term) ? term : [term]));
    const length = Math.max(0, ...lists.map((list) => list.length));
    return Array.from({ length }, (_unused, index) => lists.map((list) => list[index] ?? null));
  },
  nested: (_, terms) =>
    terms
      .map((term) => (Array.isArray(term) ? term : [term]))
      .reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]),
  first_found: (context, terms, keywords) => {
    const skip = truthy(keywords.skip ?? false);
    const names = flattenAll(terms).flatMap((term) =>
      isMapping(term) ? flattenAll([term.files ?? []]).map(pyStr) : pyStr(term).split(/[,;]/),
    );
    for (const name of names) {
      try {
        return [findLookupFile(context.session, 'files', name.trim(), 'first_found')];
      } catch {
        continue;
      }
    }
    if (skip) return [];
    throw new TemplateSyntaxError(`lookup('first_found'): none of ${names.join(', ')} was found`);
  },
};

export const LOOKUP_NAMES: readonly string[] = Object.keys(LOOKUPS).sort();

function runLookup(
  context: TemplateContext,
  args: unknown[],
): { values: unknown[]; keywords: Record<string, unknown> } {
  const { positional, keywords } = splitArguments(args.map(unwrap));
  const [nameValue, ...terms] = positional.map((value) => requireDefined(value));
  const name = pyStr(nameValue).replace(/^ansible\.(?:builtin|legacy)\./, '');
  if (Object.hasOwn(REFUSED, name)) throw new TemplateSyntaxError(REFUSED[name]);
  const lookup = Object.hasOwn(LOOKUPS, name) ? LOOKUPS[name] : undefined;
  if (!lookup)
    throw new TemplateSyntaxError(`lookup plugin '${name}' is not supported; drover has: ${LOOKUP_NAMES.join(', ')}`);
  for (const value of Object.values(keywords)) requireDefined(value);
  const { wantlist: _wantlist, ...options } = keywords;
  return { values: lookup(context, terms, options), keywords };
}

/** lookup(name, terms...): a single value, the items joined by commas, or the list (wantlist=true). */
export function lookup(this: TemplateContext, ...args: unknown[]): unknown {
  const { values, keywords } = runLookup(this, args);
  if (truthy(keywords.wantlist ?? false)) return values;
  if (values.every((value) => typeof value === 'string')) return values.join(',');
  return values.length === 1 ? values[0] : values;
}

/** query(name, terms...) and q(): always the list. */
export function query(this: TemplateContext, ...args: unknown[]): unknown[] {
  return runLookup(this, args).values;
}
