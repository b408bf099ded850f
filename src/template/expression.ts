import jexlModule from 'jexl';
import { TemplateSyntaxError, UndefinedVariableError } from './errors.js';
import { isMissing, lookupPath } from './lookup.js';
import { isInertStep } from './inert.js';
import { hasTemplate, renderValue } from './render.js';

const { Jexl } = jexlModule as unknown as { Jexl: new () => JexlInstance };

interface JexlInstance {
  evalSync(expression: string, context?: object): unknown;
  addTransform(name: string, fn: (value: any, ...args: any[]) => unknown): void;
  addFunction(name: string, fn: (...args: any[]) => unknown): void;
}

/**
 * Evaluates `when`, `changed_when`, `failed_when`, `until` and `assert` conditions with jexl
 * (a safe expression language, never eval). Ansible spellings are accepted: and / or / not,
 * `x is defined`, `x is not defined`, `result is changed|failed|succeeded|skipped`, and filters
 * written `x | length`. Reading a variable that does not exist is an error naming it.
 */
export function evaluateCondition(expression: unknown, vars: Record<string, unknown>): boolean {
  if (typeof expression === 'boolean') return expression;
  if (typeof expression === 'number') return expression !== 0;
  if (Array.isArray(expression)) return expression.every((item) => evaluateCondition(item, vars));
  if (typeof expression !== 'string')
    throw new TemplateSyntaxError(`a condition must be a string or a boolean, not ${typeof expression}`);
  return toBoolean(evaluateExpression(expression, vars));
}

export function evaluateExpression(expression: string, vars: Record<string, unknown>): unknown {
  const source = translateAnsibleSyntax(stripBraces(expression));
  const missing: string[] = [];
  const context = new Proxy(vars, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      if (key in target)
        return hasTemplate(target[key]) && !isInertStep(target, key) ? renderValue(target[key], vars) : target[key];
      missing.push(key);
      return undefined;
    },
    has: () => true,
  });
  let value: unknown;
  definedScope = vars;
  try {
    value = jexl.evalSync(source, context);
  } catch (error) {
    throw new TemplateSyntaxError(`cannot evaluate '${expression}': ${(error as Error).message}`, { cause: error });
  }
  // Undefined names are only allowed where a filter gives them a default.
  if (missing.length > 0 && !/\|\s*(default|d)\b/.test(source)) throw new UndefinedVariableError(missing[0]);
  return value;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'string') return !['', 'false', 'no', 'off', '0'].includes(value.toLowerCase());
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function stripBraces(expression: string): string {
  const match = /^\s*\{\{(.*)\}\}\s*$/s.exec(expression);
  return match ? match[1] : expression;
}

const TESTS: Record<string, (path: string) => string> = {
  defined: (path) => `defined(${JSON.stringify(path)})`,
  undefined: (path) => `!defined(${JSON.stringify(path)})`,
  none: (path) => `(${path} == null)`,
  changed: (path) => `(${path}.changed == true)`,
  failed: (path) => `(${path}.failed == true)`,
  skipped: (path) => `(${path}.skipped == true)`,
  succeeded: (path) => `(${path}.failed != true)`,
  success: (path) => `(${path}.failed != true)`,
};

/** Rewrites Ansible/Jinja spellings into jexl, leaving string literals alone. */
export function translateAnsibleSyntax(source: string): string {
  return splitStrings(source)
    .map(({ text, quoted }) => {
      if (quoted) return text;
      return text
        .replace(
          /([A-Za-z_][\w.]*(?:\[[^\]]*\])*)\s+is\s+(not\s+)?([a-z]+)\b/g,
          (whole, path: string, not: string | undefined, test: string) => {
            const build = TESTS[test];
            if (!build)
              throw new TemplateSyntaxError(
                `unknown test 'is ${test}' in '${source}'; known: ${Object.keys(TESTS).join(', ')}`,
              );
            const expr = build(path);
            return not ? `!${expr}` : expr;
          },
        )
        .replace(/\band\b/g, '&&')
        .replace(/\bor\b/g, '||')
        .replace(/\bnot\s+in\b/g, ' NOT_IN ')
        .replace(/\bnot\b/g, '!')
        .replace(/\bTrue\b/g, 'true')
        .replace(/\bFalse\b/g, 'false')
        .replace(/\bNone\b/g, 'null')
        .replace(/\|\s*/g, '|');
    })
    .join('')
    .replace(/(\S+)\s+NOT_IN\s+(\S+)/g, '!($1 in $2)');
}

function splitStrings(source: string): Array<{ text: string; quoted: boolean }> {
  const parts: Array<{ text: string; quoted: boolean }> = [];
  const pattern = /(['"])(?:\\.|(?!\1).)*\1/gs;
  let last = 0;
  for (const match of source.matchAll(pattern)) {
    if (match.index! > last) parts.push({ text: source.slice(last, match.index), quoted: false });
    parts.push({ text: match[0], quoted: true });
    last = match.index! + match[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last), quoted: false });
  return parts;
}

function createJexl(): JexlInstance {
  const instance = new Jexl();
  instance.addTransform('length', (value) =>
    value == null ? 0 : Array.isArray(value) || typeof value === 'string' ? value.length : Object.keys(value).length,
  );
  instance.addTransform('default', (value, fallback) => (value === undefined ? fallback : value));
  instance.addTransform('d', (value, fallback) => (value === undefined ? fallback : value));
  instance.addTransform('lower', (value) => String(value).toLowerCase());
  instance.addTransform('upper', (value) => String(value).toUpperCase());
  instance.addTransform('int', (value) => Number.parseInt(String(value), 10) || 0);
  instance.addTransform('bool', (value) => toBoolean(value));
  instance.addTransform('string', (value) => String(value));
  instance.addTransform('trim', (value) => String(value).trim());
  instance.addFunction(
    'defined',
    (path: string) => !isMissing(lookupPath([definedScope], path)) && lookupPath([definedScope], path) !== undefined,
  );
  return instance;
}

/** The raw variables of the evaluation under way, for defined(); evalSync is synchronous. */
let definedScope: Record<string, unknown> = {};
const jexl = createJexl();
