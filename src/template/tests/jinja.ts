/** Jinja2's own tests: defined, none, string, number, mapping, even, divisibleby, eq, in, ... */
import { Undefined } from '../jinja/undefined.js';
import { filterTable, testTable } from '../filters/registry.js';
import { compareValues, isMapping, isNamespace, pyEquals } from '../python/values.js';

type Test = (input: unknown, ...args: unknown[]) => boolean;

const integer = (input: unknown) => typeof input === 'number' && Number.isInteger(input);
const compare =
  (check: (order: number) => boolean): Test =>
  (input, other) =>
    check(compareValues(input, other));

/** Tests of a value's type: an undefined value is none of these. */
export const TYPE_TESTS: Record<string, Test> = {
  none: (input) => input === null,
  string: (input) => typeof input === 'string',
  number: (input) => typeof input === 'number',
  integer,
  float: (input) => typeof input === 'number' && !Number.isInteger(input),
  boolean: (input) => typeof input === 'boolean',
  true: (input) => input === true,
  false: (input) => input === false,
  mapping: (input) => isMapping(input) && !isNamespace(input),
  sequence: (input) => typeof input === 'string' || Array.isArray(input) || (isMapping(input) && !isNamespace(input)),
  iterable: (input) => typeof input === 'string' || Array.isArray(input) || (isMapping(input) && !isNamespace(input)),
  callable: (input) => typeof input === 'function',
  sameas: (input, other) => input === other || (input === null && other === null),
  escaped: () => false,
};

const equal: Test = (input, other) => pyEquals(input, other);

export const JINJA_TESTS: Record<string, Test> = {
  defined: (input) => !(input instanceof Undefined),
  undefined: (input) => input instanceof Undefined,
  odd: (input) => integer(input) && Math.abs(input as number) % 2 === 1,
  even: (input) => integer(input) && (input as number) % 2 === 0,
  divisibleby: (input, divisor) => Number(input) % Number(divisor) === 0,
  lower: (input) => typeof input === 'string' && input === input.toLowerCase(),
  upper: (input) => typeof input === 'string' && input === input.toUpperCase(),
  eq: equal,
  equalto: equal,
  '==': equal,
  ne: (input, other) => !pyEquals(input, other),
  '!=': (input, other) => !pyEquals(input, other),
  lt: compare((order) => order < 0),
  lessthan: compare((order) => order < 0),
  '<': compare((order) => order < 0),
  le: compare((order) => order <= 0),
  '<=': compare((order) => order <= 0),
  gt: compare((order) => order > 0),
  greaterthan: compare((order) => order > 0),
  '>': compare((order) => order > 0),
  ge: compare((order) => order >= 0),
  '>=': compare((order) => order >= 0),
  in: (input, container) =>
    typeof container === 'string'
      ? typeof input === 'string' && container.includes(input)
      : Array.isArray(container)
        ? container.some((item) => pyEquals(item, input))
        : isMapping(container) && Object.hasOwn(container, String(input)),
  filter: (input) => typeof input === 'string' && Object.hasOwn(filterTable, input),
  test: (input) => typeof input === 'string' && Object.hasOwn(testTable, input),
};
