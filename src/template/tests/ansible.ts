/** Ansible's tests: task results, regular expressions, versions, sets, truthy and falsy. */
import { readBoolean } from '../../bool-words.js';
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { pythonRegex } from '../python/regex.js';
import { pyStr } from '../python/repr.js';
import { isMapping, pyEquals, truthy } from '../python/values.js';
import { versionTest } from './version.js';

type Test = (input: unknown, ...args: unknown[]) => boolean;

function result(name: string, input: unknown): Record<string, unknown> {
  if (!isMapping(input)) throw new TemplateSyntaxError(`The '${name}' test expects a dictionary`);
  return input;
}

function changed(input: unknown): boolean {
  const outcome = result('changed', input);
  if ('changed' in outcome) return truthy(outcome.changed);
  const results = outcome.results;
  return (
    Array.isArray(results) &&
    isMapping(results[0]) &&
    results.some((item) => isMapping(item) && truthy(item.changed ?? false))
  );
}

/** Ansible's regex test: re.search, re.match or re.fullmatch of the pattern. */
function regexTest(defaultType: 'match' | 'search') {
  return (input: unknown, ...args: unknown[]): boolean => {
    const {
      pattern = '',
      ignorecase,
      multiline,
      match_type = defaultType,
    } = bindArguments('regex', args, ['pattern', 'ignorecase', 'multiline', 'match_type']);
    const type = pyStr(match_type);
    if (!['match', 'search', 'fullmatch'].includes(type)) throw new TemplateSyntaxError(`unknown match_type '${type}'`);
    const regex = pythonRegex(pyStr(pattern), {
      ignorecase: truthy(ignorecase ?? false),
      multiline: truthy(multiline ?? false),
      anchor: type === 'match' ? 'start' : type === 'fullmatch' ? 'full' : undefined,
    });
    return regex.test(pyStr(input));
  };
}

const itemsOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : isMapping(value) ? Object.keys(value) : [value];
const subset = (input: unknown, other: unknown) =>
  itemsOf(input).every((item) => itemsOf(other).some((candidate) => pyEquals(candidate, item)));

function truthTest(input: unknown, ...args: unknown[]): boolean {
  const { convert_bool } = bindArguments('truthy', args, ['convert_bool']);
  return truthy(truthy(convert_bool ?? false) ? (readBoolean(input) ?? input) : input);
}

export const ANSIBLE_TESTS: Record<string, Test> = {
  failed: (input) => truthy(result('failed', input).failed ?? false),
  failure: (input) => truthy(result('failed', input).failed ?? false),
  succeeded: (input) => !truthy(result('succeeded', input).failed ?? false),
  success: (input) => !truthy(result('success', input).failed ?? false),
  successful: (input) => !truthy(result('successful', input).failed ?? false),
  unreachable: (input) => truthy(result('unreachable', input).unreachable ?? false),
  reachable: (input) => !truthy(result('reachable', input).unreachable ?? false),
  changed,
  change: changed,
  skipped: (input) => truthy(result('skipped', input).skipped ?? false),
  skip: (input) => truthy(result('skipped', input).skipped ?? false),
  finished: (input) => String(result('finished', input).finished ?? 1) === '1',
  started: (input) => String(result('started', input).started ?? 1) === '1',
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('search'),
  version: versionTest,
  version_compare: versionTest,
  subset,
  issubset: subset,
  superset: (input, other) => subset(other, input),
  issuperset: (input, other) => subset(other, input),
  contains: (input, item) => itemsOf(input).some((candidate) => pyEquals(candidate, item)),
  any: (input) => itemsOf(input).some((item) => truthy(item)),
  all: (input) => itemsOf(input).every((item) => truthy(item)),
  truthy: truthTest,
  falsy: (input, ...args) => !truthTest(input, ...args),
  nan: (input) => typeof input === 'number' && Number.isNaN(input),
  isnan: (input) => typeof input === 'number' && Number.isNaN(input),
  vault_encrypted: () => false,
};
