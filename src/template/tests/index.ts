/**
 * Every test a template may use with `is`, by name. An undefined value may be tested for being
 * defined and for its type (it is none of them); any other test of it fails, naming it.
 */
import { Undefined } from '../jinja/undefined.js';
import { testTable, type Callable } from '../filters/registry.js';
import { unwrap } from '../python/values.js';
import { ANSIBLE_TESTS } from './ansible.js';
import { FILE_TESTS } from './files.js';
import { JINJA_TESTS, TYPE_TESTS } from './jinja.js';

const ACCEPT_UNDEFINED = new Set(['defined', 'undefined']);

function checked(name: string, test: Callable): Callable {
  return function (this: unknown, input: unknown, ...rest: unknown[]) {
    const value = unwrap(input);
    if (value instanceof Undefined && !ACCEPT_UNDEFINED.has(name)) {
      if (Object.hasOwn(TYPE_TESTS, name)) return false;
      throw value.error();
    }
    return test.call(this, value, ...rest.map(unwrap)) === true;
  };
}

const ALL: Record<string, Callable> = { ...TYPE_TESTS, ...JINJA_TESTS, ...ANSIBLE_TESTS, ...FILE_TESTS };

for (const [name, test] of Object.entries(ALL)) testTable[name] = checked(name, test);

export const TESTS: Readonly<Record<string, Callable>> = testTable;
