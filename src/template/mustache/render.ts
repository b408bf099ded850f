import Mustache from 'mustache';
import { TemplateSyntaxError, UndefinedVariableError } from '../errors.js';
import { isInertPath, isMissing, lookupPath } from '../lookup.js';
import { hasTemplate, renderValue } from '../render.js';
import { applyFilters, parseFilterChain, stringify } from './filters.js';

type Token = [string, string, number, number, Token[]?, number?];

/**
 * Renders a mustache template (a template module's *.mustache source) strictly: no HTML escaping,
 * and a variable that is not defined is an UndefinedVariableError naming it (never a silent empty
 * string). Names may use Ansible's subscripts (groups['backend']) and a few filters
 * ({{ port | default(80) }}). A variable that holds a template of the playbook is rendered first,
 * as the playbook renders it (Jinja2).
 */
export function renderMustache(template: string, vars: Record<string, unknown>): string {
  if (!template.includes('{{')) return template;
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (error) {
    throw new TemplateSyntaxError(`cannot parse template: ${(error as Error).message}`, { cause: error });
  }
  return renderTokens(tokens, [vars]);
}

const MAX_DEPTH = 20;
let depth = 0;

function resolveExpression(expression: string, scopes: unknown[]): unknown {
  const { name, filters } = parseFilterChain(expression);
  let value = lookupPath(scopes, name);
  // Variables may refer to other variables ("/opt/{{ app }}"): they are rendered when read,
  // unless they hold data read from a host (see inert.ts).
  if (!isMissing(value) && hasTemplate(value) && !isInertPath(scopes, name))
    value = renderNested(value, scopes[0] as Record<string, unknown>, name);
  if (filters.length === 0) {
    if (isMissing(value)) throw new UndefinedVariableError(name);
    return value;
  }
  return applyFilters(isMissing(value) ? undefined : value, isMissing(value), name, filters);
}

function renderNested(value: unknown, vars: Record<string, unknown>, name: string): unknown {
  if (depth >= MAX_DEPTH)
    throw new TemplateSyntaxError(`variable '${name}' refers to itself (directly or through others)`);
  depth++;
  try {
    return renderValue(value, vars);
  } finally {
    depth--;
  }
}

function renderTokens(tokens: Token[], scopes: unknown[]): string {
  let out = '';
  for (const token of tokens) {
    const [kind, text] = token;
    switch (kind) {
      case 'text':
        out += text;
        break;
      case 'name':
      case '&':
        out += stringify(resolveExpression(text, scopes));
        break;
      case '#': {
        const value = resolveExpression(text, scopes);
        const children = token[4] ?? [];
        if (Array.isArray(value)) {
          for (const item of value) out += renderTokens(children, [...scopes, item]);
        } else if (value !== null && typeof value === 'object') {
          out += renderTokens(children, [...scopes, value]);
        } else if (value) {
          out += renderTokens(children, scopes);
        }
        break;
      }
      case '^': {
        const value = resolveExpression(text, scopes);
        if (!value || (Array.isArray(value) && value.length === 0)) out += renderTokens(token[4] ?? [], scopes);
        break;
      }
      case '>':
        throw new TemplateSyntaxError(`partials ({{> ${text}}}) are not supported`);
      default:
        break;
    }
  }
  return out;
}
