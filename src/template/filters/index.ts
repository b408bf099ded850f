/**
 * Every filter a template may use, by name. Each is called through one wrapper: an undefined
 * input fails, naming the variable (except for default, d and mandatory, which exist for it), an
 * undefined argument fails the same way, and secrets in the input stay masked in the output.
 */
import { carrySecrets } from '../secret-flow.js';
import { Undefined } from '../jinja/undefined.js';
import { unwrap } from '../python/values.js';
import { APPLY_FILTERS } from './apply.js';
import { CORE_FILTERS } from './core.js';
import { DICT_FILTERS } from './dicts.js';
import { ENCODING_FILTERS } from './encoding.js';
import { HASHING_FILTERS } from './hashing.js';
import { LIST_FILTERS } from './lists.js';
import { MATH_FILTERS } from './math.js';
import { PATH_FILTERS } from './paths.js';
import { REGEX_FILTERS } from './regex.js';
import { filterTable, type Callable } from './registry.js';
import { STRING_FILTERS } from './strings.js';

const TAKES_UNDEFINED_INPUT = new Set(['default', 'd', 'mandatory']);
const TAKES_UNDEFINED_ARGUMENTS = new Set(['default', 'd', 'ternary']);

function checked(name: string, filter: Callable): Callable {
  return function (this: unknown, input: unknown, ...rest: unknown[]) {
    const value = unwrap(input);
    if (value instanceof Undefined && !TAKES_UNDEFINED_INPUT.has(name)) throw value.error();
    const args = rest.map(unwrap);
    if (!TAKES_UNDEFINED_ARGUMENTS.has(name)) {
      for (const arg of args) {
        if (arg instanceof Undefined) throw arg.error();
        if (arg !== null && typeof arg === 'object' && (arg as { __keywords?: boolean }).__keywords)
          for (const keyword of Object.values(arg)) if (keyword instanceof Undefined) throw keyword.error();
      }
    }
    const result = filter.call(this, value, ...args);
    carrySecrets([value, ...args], result);
    return result;
  };
}

const ALL: Record<string, Callable> = {
  ...CORE_FILTERS,
  ...STRING_FILTERS,
  ...LIST_FILTERS,
  ...APPLY_FILTERS,
  ...DICT_FILTERS,
  ...REGEX_FILTERS,
  ...ENCODING_FILTERS,
  ...PATH_FILTERS,
  ...HASHING_FILTERS,
  ...MATH_FILTERS,
};

for (const [name, filter] of Object.entries(ALL)) filterTable[name] = checked(name, filter);

export const FILTERS: Readonly<Record<string, Callable>> = filterTable;

export const FILTER_NAMES: readonly string[] = Object.keys(ALL).sort();
