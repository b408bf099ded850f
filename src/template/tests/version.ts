/** The version test: is version('2.0', '>='), as Ansible compares versions (loose by default). */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { pyStr } from '../python/repr.js';

const OPERATORS: Record<string, (order: number) => boolean> = {
  '==': (o) => o === 0,
  '=': (o) => o === 0,
  eq: (o) => o === 0,
  '<': (o) => o < 0,
  lt: (o) => o < 0,
  '<=': (o) => o <= 0,
  le: (o) => o <= 0,
  '>': (o) => o > 0,
  gt: (o) => o > 0,
  '>=': (o) => o >= 0,
  ge: (o) => o >= 0,
  '!=': (o) => o !== 0,
  '<>': (o) => o !== 0,
  ne: (o) => o !== 0,
};

/** LooseVersion's parts: runs of digits as numbers, runs of letters as text; dots dropped. */
function looseParts(version: string): Array<number | string> {
  return (version.match(/\d+|[a-z]+/gi) ?? []).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** StrictVersion / semantic versions: numbers, then a pre-release that sorts before the release. */
function strictParts(version: string, type: string): Array<number | string> {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-.]?([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version);
  if (!match) throw new TemplateSyntaxError(`invalid ${type} version number '${version}'`);
  const [major, minor = '0', patch = '0', pre] = match.slice(1);
  return [Number(major), Number(minor), Number(patch), pre === undefined ? '~' : pre];
}

function compareParts(left: Array<number | string>, right: Array<number | string>): number {
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const a = left[i];
    const b = right[i];
    if (a === undefined) return -1;
    if (b === undefined) return 1;
    if (a === b) continue;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : 1;
  }
  return 0;
}

export function versionTest(input: unknown, ...args: unknown[]): boolean {
  const {
    version,
    operator = 'eq',
    strict,
    version_type,
  } = bindArguments('version', args, ['version', 'operator', 'strict', 'version_type']);
  const value = pyStr(input);
  const other = pyStr(version ?? '');
  if (!value) throw new TemplateSyntaxError('Input version value cannot be empty');
  if (!other) throw new TemplateSyntaxError('Version parameter to compare against cannot be empty');
  const check = OPERATORS[pyStr(operator)];
  if (!check) throw new TemplateSyntaxError(`Invalid operator type (${pyStr(operator)})`);
  const type = strict ? 'strict' : version_type === undefined || version_type === null ? 'loose' : pyStr(version_type);
  if (!['loose', 'strict', 'semver', 'semantic', 'pep440'].includes(type))
    throw new TemplateSyntaxError(`Invalid version type (${type})`);
  const parts = type === 'loose' ? looseParts : (text: string) => strictParts(text, type);
  return check(compareParts(parts(value), parts(other)));
}
