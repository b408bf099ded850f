/** log, pow, root, human_readable, human_to_bytes. */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments } from '../jinja/arguments.js';
import { pyStr } from '../python/repr.js';
import { truthy } from '../python/values.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

const SIZE_RANGES: Array<[string, number]> = [
  ['Y', 2 ** 80],
  ['Z', 2 ** 70],
  ['E', 2 ** 60],
  ['P', 2 ** 50],
  ['T', 2 ** 40],
  ['G', 2 ** 30],
  ['M', 2 ** 20],
  ['K', 2 ** 10],
  ['B', 1],
];

/** Ansible's bytes_to_human: '1.50 GB', '1.50 Gb' with isbits, '512.00 Bytes'. */
function humanReadable(input: unknown, ...args: unknown[]): string {
  const { isbits, unit } = bindArguments('human_readable', args, ['isbits', 'unit']);
  const size = Number(input);
  const base = truthy(isbits ?? false) ? 'bits' : 'Bytes';
  const wanted = unit === undefined || unit === null ? undefined : pyStr(unit).toUpperCase()[0];
  const [suffix, limit] =
    SIZE_RANGES.find(([name, bound]) => (wanted === undefined ? size >= bound : wanted === name)) ?? SIZE_RANGES[8];
  return `${(size / limit).toFixed(2)} ${limit !== 1 ? suffix + base[0] : base}`;
}

/** Ansible's human_to_bytes: '2K' is 2048, '1.5MB' is 1572864, '1Mb' with isbits is 1048576 bits. */
function humanToBytes(input: unknown, ...args: unknown[]): number {
  const { default_unit, isbits } = bindArguments('human_to_bytes', args, ['default_unit', 'isbits']);
  const text = pyStr(input);
  const match = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  const number = Number(match?.[1] || NaN);
  if (!match || Number.isNaN(number)) throw new TemplateSyntaxError(`human_to_bytes() can't interpret '${text}'`);
  const unit = match[2] ?? (default_unit === undefined || default_unit === null ? undefined : pyStr(default_unit));
  if (unit === undefined) return Math.round(number);
  const range = SIZE_RANGES.find(([name]) => name === unit[0].toUpperCase());
  if (!range) throw new TemplateSyntaxError(`human_to_bytes() failed to convert ${text}: unknown unit ${unit}`);
  const unitClass = truthy(isbits ?? false) ? 'b' : 'B';
  const className = unitClass === 'b' ? 'bit' : 'byte';
  if (unit.length > 1 && !unit.toLowerCase().includes(className) && unit[1] !== unitClass)
    throw new TemplateSyntaxError(`human_to_bytes() failed to convert ${text}: expect ${range[0]}${unitClass}`);
  return Math.round(number * range[1]);
}

export const MATH_FILTERS: Record<string, Filter> = {
  log: (input, base = Math.E) =>
    Number(base) === 10 ? Math.log10(Number(input)) : Math.log(Number(input)) / Math.log(Number(base)),
  pow: (input, exponent) => Number(input) ** Number(exponent),
  root: (input, base = 2) => (Number(base) === 2 ? Math.sqrt(Number(input)) : Number(input) ** (1 / Number(base))),
  human_readable: humanReadable,
  human_to_bytes: humanToBytes,
};
