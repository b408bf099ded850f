import type { z } from 'zod';
import { schemaShape } from '../../modules/validate-args.js';
import { suggestName } from '../../suggest.js';
import type { LoadContext } from '../load-context.js';
import type { YamlFile } from '../source.js';
import { stripCollectionPrefix } from './collections.js';
import { findKeyword, KEYWORDS, keywordsOn, WITH_LOOPS, type KeywordName, type KeywordValues } from './declarations.js';
import { PLACE_NOUNS, PLACE_TITLES, PLACES, type Place } from './places.js';
import { UNSUPPORTED_KEYWORDS } from './unsupported.js';

type RawMap = Record<string, unknown>;
type Issue = z.core.$ZodIssue;
type Path = Array<string | number>;

const pathOf = (issue: Issue): Path => issue.path.filter((step) => typeof step !== 'symbol');

/** The name of a value's type as a YAML author thinks of it. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the plain string '${value}'`;
  return `the ${typeof value} ${String(value)}`;
}

export interface KeywordsRead<P extends Place> {
  /** The value of each keyword written here, as its type gives it; an empty (null) one is left out. */
  values: KeywordValues<P>;
  /** The keys that are no keyword of this place (a task's module, a role entry's parameters), in order. */
  others: string[];
  /** Keywords whose value is wrong: they are reported already. */
  invalid: Set<KeywordName>;
  /** The key each keyword was written as (`ansible.builtin.import_role`). */
  written: Partial<Record<KeywordName, string>>;
}

export interface ReadKeywordsOptions {
  /** Hand back the keys that are no keyword of this place instead of reporting them. */
  keepOthers?: boolean;
  /** How problems name the place, when not as PLACE_TITLES does ("include_tasks"). */
  title?: string;
}

/**
 * Validates the keywords of one play, block, task, include, import_role or role entry against the
 * declarations (declarations.ts), as module arguments are validated against their schema. Every
 * problem is reported with its file, line, task and field; a misspelt keyword gets a suggestion.
 */
export function readKeywords<P extends Place>(
  raw: RawMap,
  place: P,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
  options: ReadKeywordsOptions = {},
): KeywordsRead<P> {
  const values: Partial<Record<KeywordName, unknown>> = {};
  const others: string[] = [];
  const invalid = new Set<KeywordName>();
  const written: Partial<Record<KeywordName, string>> = {};
  for (const key of Object.keys(raw)) {
    const name = findKeyword(key);
    if (name === undefined || !isAllowed(name, place)) {
      if (options.keepOthers) others.push(key);
      else if (!reportMisplacedKey(key, place, raw, source, ctx, label, options.title))
        reportUnknownKey(key, place, raw, source, ctx, label, options.title);
      continue;
    }
    written[name] = key;
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const parsed = KEYWORDS[name].type.schema.safeParse(value);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      invalid.add(name);
      reportValue(name, key, value, parsed.error.issues, raw, source, ctx, label);
    }
  }
  return { values: values as KeywordValues<P>, others, invalid, written };
}

const isAllowed = (name: KeywordName, place: Place) => (KEYWORDS[name].on as readonly Place[]).includes(place);

/** The keywords listed in "a play takes: ...": the place's own action key is what it is, not one of them. */
function listed(place: Place): string[] {
  return keywordsOn(place).filter((name) => !('action' in KEYWORDS[name]));
}

/**
 * Reports a key that is a keyword of another place, or an Ansible keyword drover does not
 * support; false for a key that is neither (the caller says what is unknown there).
 */
export function reportMisplacedKey(
  key: string,
  place: Place,
  raw: RawMap,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
  title = PLACE_TITLES[place],
): boolean {
  const name = findKeyword(key);
  if (name !== undefined && !isAllowed(name, place)) {
    const where = PLACES.filter((other) => isAllowed(name, other)).map((other) => PLACE_TITLES[other]);
    ctx.problems.push({
      message: `'${key}' is not allowed on ${title}`,
      location: source.locate(raw, key),
      task: label,
      field: key,
      hint:
        KEYWORDS[name].elsewhere?.[place] ??
        `${name} belongs on ${where.join(', ')}; ${title} takes: ${listed(place).join(', ')}`,
    });
    return true;
  }
  if (name === undefined && key.startsWith('with_')) {
    ctx.problems.push({
      message: `'${key}' is not a loop drover supports`,
      location: source.locate(raw, key),
      task: label,
      field: key,
      hint: `loop over a list with loop, or use one of ${WITH_LOOPS.join(', ')}`,
    });
    return true;
  }
  const unsupported = UNSUPPORTED_KEYWORDS.get(stripCollectionPrefix(key));
  if (unsupported === undefined) return false;
  ctx.problems.push({
    message: `'${key}' is an Ansible keyword drover does not support`,
    location: source.locate(raw, key),
    task: label,
    field: key,
    hint: unsupported,
  });
  return true;
}

function reportUnknownKey(
  key: string,
  place: Place,
  raw: RawMap,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
  title?: string,
): void {
  const best = suggestName(key, keywordsOn(place));
  ctx.problems.push({
    message: `unknown ${title ?? PLACE_NOUNS[place]} keyword '${key}'`,
    location: source.locate(raw, key),
    task: label,
    field: key,
    hint: best ? `did you mean '${best}'?` : `${title ?? PLACE_TITLES[place]} takes: ${listed(place).join(', ')}`,
  });
}

function reportValue(
  name: KeywordName,
  key: string,
  value: unknown,
  issues: readonly Issue[],
  raw: RawMap,
  source: YamlFile,
  ctx: LoadContext,
  label: string,
): void {
  const declaration = KEYWORDS[name];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const container = valueAt(value, pathOf(issue));
    const known = Object.keys(schemaShape(declaration.type.schema) ?? {});
    for (const unknown of issue.keys) {
      const best = suggestName(unknown, known);
      ctx.problems.push({
        message: `'${unknown}' is not supported on ${key}`,
        location: source.locate(container, unknown),
        task: label,
        field: [key, ...pathOf(issue), unknown].join('.'),
        hint: best ? `did you mean '${best}'?` : `${key} takes: ${known.join(', ')}`,
      });
    }
  }
  const rest = issues.filter((issue) => issue.code !== 'unrecognized_keys');
  if (rest.length === 0) return;
  const { issue, path } = deepest(rest, []);
  const bad = valueAt(value, path);
  const last = path.at(-1);
  const location =
    last === undefined || bad === undefined
      ? source.locate(raw, key)
      : source.locate(valueAt(value, path.slice(0, -1)), last);
  const field = [key, ...path.filter((step): step is string => typeof step === 'string')].join('.');
  const ownHint = issue.code === 'custom' ? (issue.params as { hint?: string } | undefined)?.hint : undefined;
  if (ownHint !== undefined) {
    ctx.problems.push({ message: `${key} ${issue.message}`, location, task: label, field, hint: ownHint });
    return;
  }
  const where =
    last === undefined
      ? `it is ${describeType(bad)}`
      : typeof last === 'number'
        ? `item ${last + 1} of the list is ${describeType(bad)}`
        : bad === undefined
          ? `it has no ${last}`
          : `its ${last} is ${describeType(bad)}`;
  ctx.problems.push({
    message: declaration.type.message?.(key, bad) ?? `${key} must be ${declaration.type.expects}, but ${where}`,
    location,
    task: label,
    field,
    hint: declaration.hint ?? declaration.type.hint(key, bad),
  });
}

/**
 * The issue that reaches furthest into the value: for a union, the alternative that got furthest
 * tells best what was meant (`tags: [web, {a: 1}]` is a list whose second item is wrong).
 */
function deepest(issues: readonly Issue[], base: Path): { issue: Issue; path: Path } {
  let best: { issue: Issue; path: Path } | undefined;
  for (const issue of issues) {
    const path = [...base, ...pathOf(issue)];
    const candidates = [{ issue, path }];
    if (issue.code === 'invalid_union')
      for (const branch of issue.errors) if (branch.length > 0) candidates.push(deepest(branch, path));
    for (const candidate of candidates) if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  return best!;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}
