import { boolFilter } from '../../bool-words.js';
import { TemplateSyntaxError, UndefinedVariableError } from '../errors.js';

/**
 * The filters a mustache template may apply with `{{ name | filter(arg) }}`: the few Ansible users
 * reach for most. `default` is the only one that accepts an undefined input.
 */
type Filter = (input: unknown, ...args: unknown[]) => unknown;

const FILTERS: Record<string, Filter> = {
  default: (input, fallback = '') => input,
  lower: (input) => String(input).toLowerCase(),
  upper: (input) => String(input).toUpperCase(),
  trim: (input) => String(input).trim(),
  string: (input) => stringify(input),
  int: (input) => Number.parseInt(String(input), 10) || 0,
  bool: boolFilter,
  length: (input) =>
    Array.isArray(input) || typeof input === 'string' ? input.length : Object.keys(input as object).length,
  join: (input, separator = '') => (input as unknown[]).map(stringify).join(String(separator)),
  to_json: (input) => JSON.stringify(input),
  first: (input) => (input as unknown[])[0],
  last: (input) => (input as unknown[])[(input as unknown[]).length - 1],
  sort: (input) => [...(input as unknown[])].sort(),
  unique: (input) => [...new Set(input as unknown[])],
  basename: (input) => String(input).split('/').pop(),
  dirname: (input) => String(input).split('/').slice(0, -1).join('/') || '/',
};
FILTERS.d = FILTERS.default;

const FILTER_NAMES = Object.keys(FILTERS);

export interface FilterCall {
  name: string;
  args: unknown[];
}

/** Splits `x | default('a') | upper` into the variable name and its filter calls. */
export function parseFilterChain(expression: string): { name: string; filters: FilterCall[] } {
  const parts = splitOutsideQuotes(expression, '|');
  const name = parts[0].trim();
  const filters = parts.slice(1).map((part) => {
    const match = /^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$/s.exec(part);
    if (!match)
      throw new TemplateSyntaxError(`cannot read the filter '${part.trim()}' in '{{ ${expression.trim()} }}'`);
    const filterName = match[1];
    if (!(filterName in FILTERS)) {
      throw new TemplateSyntaxError(
        `unknown filter '${filterName}' in '{{ ${expression.trim()} }}'; known filters: ${FILTER_NAMES.join(', ')}`,
      );
    }
    return { name: filterName, args: match[2] === undefined ? [] : parseArgs(match[2]) };
  });
  return { name, filters };
}

/** Applies filters; `missing` says the variable was undefined (only `default` accepts that). */
export function applyFilters(value: unknown, missing: boolean, name: string, filters: FilterCall[]): unknown {
  let current = value;
  let undefinedInput = missing;
  for (const filter of filters) {
    if (filter.name === 'default' || filter.name === 'd') {
      const useFallback = undefinedInput || (filter.args[1] === true && !current);
      current = useFallback ? (filter.args[0] ?? '') : current;
      undefinedInput = false;
      continue;
    }
    if (undefinedInput) throw new UndefinedVariableError(name);
    current = FILTERS[filter.name](current, ...filter.args);
  }
  if (undefinedInput) throw new UndefinedVariableError(name);
  return current;
}

export function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '(' || char === '[') {
      depth++;
    } else if (char === ')' || char === ']') {
      depth--;
    } else if (char === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function parseArgs(text: string): unknown[] {
  return splitOutsideQuotes(text, ',')
    .map((arg) => arg.trim())
    .filter((arg) => arg !== '')
    .map((arg) => {
      const quoted = /^(['"])(.*)\1$/s.exec(arg);
      if (quoted) return quoted[2];
      if (arg === 'true' || arg === 'True') return true;
      if (arg === 'false' || arg === 'False') return false;
      if (/^-?\d+(\.\d+)?$/.test(arg)) return Number(arg);
      if (arg === '[]') return [];
      if (arg === '{}') return {};
      throw new TemplateSyntaxError(
        `filter arguments must be literals (quoted strings, numbers, true/false), not '${arg}'`,
      );
    });
}
