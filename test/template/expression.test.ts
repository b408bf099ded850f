import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateExpression } from '../../src/template/expression.js';
import { UndefinedVariableError } from '../../src/template/errors.js';
import { markInert, withInertNames } from '../../src/template/inert.js';

const vars = {
  app: 'shop',
  inventory_hostname: 'backend1',
  groups: { backend: ['backend1', 'backend2'], db: ['db1'] },
  result: { stdout: 'hi', rc: 0, changed: true, failed: false },
  count: 3,
  empty: [],
  text_false: 'false',
  version: '1.18.0',
};

describe('evaluateCondition', () => {
  it.each([
    [`app == 'shop'`, true],
    [`app != 'shop'`, false],
    [`result.stdout == 'hi'`, true],
    [`inventory_hostname in groups.backend`, true],
    [`inventory_hostname not in groups.backend`, false],
    [`inventory_hostname in groups['db']`, false],
    [`inventory_hostname in ['backend1', 'x']`, true],
    [`count > 2 and app == 'shop'`, true],
    [`count > 5 or not result.failed`, true],
    [`1 < count < 5`, true],
    [`result is changed`, true],
    [`result is failed`, false],
    [`result is succeeded`, true],
    [`missing_var is defined`, false],
    [`missing_var is not defined`, true],
    [`missing_var.deeper is undefined`, true],
    [`app is defined`, true],
    [`app is string and groups is mapping`, true],
    [`empty | length == 0`, true],
    [`empty`, false],
    [`text_false`, true],
    [`text_false | bool`, false],
    [`'and' == 'and'`, true],
    [`version is version('1.9', '>')`, true],
    [`app is match('sh')`, true],
    [`app is search('op')`, true],
    [`(count == 3 or false) and app.startswith('s')`, true],
  ])('%s -> %s', (expression, expected) => {
    expect(evaluateCondition(expression, vars)).toBe(expected);
  });

  it('takes a list as AND, and booleans as they are', () => {
    expect(evaluateCondition([`app == 'shop'`, 'count == 3'], vars)).toBe(true);
    expect(evaluateCondition([`app == 'shop'`, 'count == 4'], vars)).toBe(false);
    expect(evaluateCondition(false, vars)).toBe(false);
  });

  it('renders a condition written with braces first, as Ansible does', () => {
    expect(evaluateCondition('{{ count > 2 }}', vars)).toBe(true);
    expect(evaluateCondition('{{ text_false }}', vars)).toBe(false);
    expect(evaluateCondition('{{ empty }}', vars)).toBe(false);
  });

  it('never evaluates text read from a host as an expression', () => {
    const host = withInertNames({ ...vars, out: 'count == 99' }, ['out']);
    expect(evaluateCondition('{{ out }}', host)).toBe(true);
    const registered = withInertNames({ ...vars, r: markInert({ stdout: 'missing_var' }) }, ['r']);
    expect(evaluateCondition('{{ r.stdout }}', registered)).toBe(true);
  });

  it('fails on an undefined variable, naming it', () => {
    expect(() => evaluateCondition(`colour == 'red'`, vars)).toThrow(UndefinedVariableError);
    expect(() => evaluateCondition(`colour == 'red'`, vars)).toThrow(/colour/);
    expect(() => evaluateCondition(`colour`, vars)).toThrow(/colour/);
  });

  it('never evaluates JavaScript', () => {
    expect(() => evaluateCondition(`process.exit(1)`, vars)).toThrow();
    expect(() => evaluateCondition(`constructor.constructor('return 1')()`, vars)).toThrow();
  });
});

describe('evaluateExpression', () => {
  it('gives the value of an expression without braces', () => {
    expect(evaluateExpression('count * 2 + 1', vars)).toBe(7);
    expect(evaluateExpression("groups.backend | map('upper') | list", vars)).toEqual(['BACKEND1', 'BACKEND2']);
  });
});
