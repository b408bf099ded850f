/**
 * `when`, `changed_when`, `failed_when`, `until` and `assert: that` are Jinja2 expressions written
 * without braces, evaluated as Ansible evaluates them: the condition is rendered first if it holds
 * a template, and the result read with Python's truth (an empty list is false, the text "false"
 * is true). Reading a variable that is not defined is an UndefinedVariableError naming it.
 */
import { TemplateSyntaxError } from './errors.js';
import { truthy } from './python/values.js';
import { evaluate, hasTemplate, renderTracked } from './render.js';

type Vars = Record<string, unknown>;

/** Ansible's literals a rendered condition may read as: true, false, none and numbers. */
const LITERALS: Array<[RegExp, (text: string) => unknown]> = [
  [/^(?:true|True)$/, () => true],
  [/^(?:false|False)$/, () => false],
  [/^(?:none|None)$/, () => null],
  [/^[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?$/, Number],
];

export function evaluateCondition(expression: unknown, vars: Vars): boolean {
  if (typeof expression === 'boolean') return expression;
  if (typeof expression === 'number') return expression !== 0;
  if (Array.isArray(expression)) return expression.every((item) => evaluateCondition(item, vars));
  if (typeof expression !== 'string')
    throw new TemplateSyntaxError(`a condition must be a string or a boolean, not ${typeof expression}`);
  if (expression.trim() === '') return true;
  if (!hasTemplate(expression)) return truthy(evaluate(expression, vars));
  // when: "{{ flag }}": Ansible renders the condition, then evaluates the text it gives again.
  const { value, readHostData } = renderTracked(expression, vars);
  if (typeof value !== 'string') return truthy(value);
  const text = value.trim();
  if (text === '') return false;
  const literal = LITERALS.find(([pattern]) => pattern.test(text));
  if (literal) return truthy(literal[1](text));
  // Text read from a host is never evaluated: it is true when it is not empty.
  if (readHostData) return true;
  return truthy(evaluate(text, vars));
}

/** The value of a Jinja2 expression without braces ("port | int + 1"). */
export function evaluateExpression(expression: string, vars: Vars): unknown {
  return evaluate(expression, vars);
}
