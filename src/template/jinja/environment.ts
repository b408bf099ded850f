/** What compiled templates call as `env`: the filters and tests, by name. */
import { FILTERS } from '../filters/index.js';
import { GLOBAL_FUNCTIONS, GLOBAL_VALUES } from '../globals.js';
import { TESTS } from '../tests/index.js';
import { TemplateSyntaxError } from '../errors.js';

type Callable = (...args: unknown[]) => unknown;

export const environment = Object.freeze({
  opts: Object.freeze({ autoescape: false }),
  filters: FILTERS as Readonly<Record<string, Callable>>,
  tests: TESTS as Readonly<Record<string, Callable>>,
  getFilter(name: string): Callable {
    if (!Object.hasOwn(FILTERS, name)) throw new TemplateSyntaxError(`no filter named '${name}'`);
    return FILTERS[name] as Callable;
  },
  getTest(name: string): Callable {
    if (!Object.hasOwn(TESTS, name)) throw new TemplateSyntaxError(`no test named '${name}'`);
    return TESTS[name] as Callable;
  },
  getTemplate(): never {
    throw new TemplateSyntaxError('including other templates is not supported');
  },
});

export const GLOBALS: Readonly<Record<string, unknown>> = Object.freeze({ ...GLOBAL_VALUES, ...GLOBAL_FUNCTIONS });
