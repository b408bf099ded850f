import { describe, expect, it } from 'vitest';
import { evaluateCondition, translateAnsibleSyntax } from '../../src/template/expression.js';

const vars = {
  app: 'shop',
  inventory_hostname: 'backend1',
  groups: { backend: ['backend1', 'backend2'], db: ['db1'] },
  result: { stdout: 'hi', rc: 0, changed: true, failed: false },
  count: 3,
  empty: [],
};

describe('evaluateCondition', () => {
  it.each([
    [`app == 'shop'`, true],
    [`app != 'shop'`, false],
    [`result.stdout == 'hi'`, true],
    [`inventory_hostname in groups.backend`, true],
    [`inventory_hostname not in groups.backend`, false],
    [`inventory_hostname in groups['db']`, false],
    [`count > 2 and app == 'shop'`, true],
    [`count > 5 or not result.failed`, true],
    [`result is changed`, true],
    [`result is failed`, false],
    [`result is succeeded`, true],
    [`missing_var is defined`, false],
    [`missing_var is not defined`, true],
    [`app is defined`, true],
    [`empty | length == 0`, true],
    [`'and' == 'and'`, true],
  ])('%s -> %s', (expression, expected) => {
    expect(evaluateCondition(expression, vars)).toBe(expected);
  });

  it('takes a list as AND, and booleans as they are', () => {
    expect(evaluateCondition([`app == 'shop'`, 'count == 3'], vars)).toBe(true);
    expect(evaluateCondition([`app == 'shop'`, 'count == 4'], vars)).toBe(false);
    expect(evaluateCondition(false, vars)).toBe(false);
  });

  it('fails on an undefined variable, naming it', () => {
    expect(() => evaluateCondition(`colour == 'red'`, vars)).toThrow(/colour/);
  });

  it('never evaluates JavaScript', () => {
    expect(() => evaluateCondition(`process.exit(1)`, vars)).toThrow();
    expect(() => evaluateCondition(`constructor.constructor('return 1')()`, vars)).toThrow();
  });

  it('leaves string literals untouched when translating', () => {
    expect(translateAnsibleSyntax(`x == 'not and or'`)).toBe(`x == 'not and or'`);
  });
});
