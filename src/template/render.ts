/**
 * Rendering with Jinja2, as Ansible renders: every {{ }}, {% %} and {# #} of playbooks, variables,
 * inventories and template files. Variables that hold templates are rendered when read
 * ("/opt/{{ app }}"), data read from hosts never (see inert.ts). An undefined variable is an
 * UndefinedVariableError naming it; nothing is HTML-escaped.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { TemplateSyntaxError, UndefinedVariableError } from './errors.js';
import { isInertStep, isInertValue } from './inert.js';
import { compile, lineOf, run, type Program, type TemplateMode } from './jinja/program.js';
import type { RenderSession } from './jinja/session.js';
import { pyStr } from './python/repr.js';
import { types } from 'node:util';

type Vars = Record<string, unknown>;

const MAX_DEPTH = 20;
let depth = 0;
/** How many reads of data from hosts the renders so far made (see renderTracked). */
let inertReads = 0;
/** Time spent in outermost renders (see measureRenderTime). */
let renderNanos = 0n;

/**
 * Whether a value holds a template anywhere inside ({{, {% or a {# comment #}); data read from a
 * host never does. A {# that no #} closes is text (a shell's ${#var}).
 */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%') || /\{#[\s\S]*#\}/.test(value);
  if (value === null || typeof value !== 'object' || isInertValue(value) || types.isProxy(value)) return false;
  if (Array.isArray(value)) return value.some(hasTemplate);
  return Object.values(value).some(hasTemplate);
}

/** Renders a template of the playbook (a task argument, a variable's value) to text. */
export function renderString(template: string, vars: Vars): string {
  if (!hasTemplate(template)) return template;
  return render(template, vars, 'playbook', undefined, false) as string;
}

/**
 * Renders every string inside a value (lists and dicts too). A string that is one {{ expression }}
 * keeps the expression's type: a list stays a list, a number a number.
 */
export function renderValue(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return hasTemplate(value) ? render(value, vars, 'playbook', undefined, true) : value;
  if (value === null || typeof value !== 'object' || isInertValue(value) || types.isProxy(value)) return value;
  if (!hasTemplate(value)) return value;
  if (Array.isArray(value))
    return value.map((item, index) => (isInertStep(value, String(index)) ? item : renderValue(item, vars)));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isInertStep(value, key) ? item : renderValue(item, vars)]),
  );
}

/**
 * Renders a template file (the template module, the template lookup) as Ansible's template module
 * does: Jinja2's string escapes throughout, and the template_* variables and ansible_managed.
 */
export function renderTemplateFile(source: string, vars: Vars, path?: string): string {
  const fileVars = {
    ...vars,
    ...(path === undefined ? {} : { template_path: path, template_fullpath: resolve(path) }),
    template_host: hostname(),
    ansible_managed: typeof vars.ansible_managed === 'string' ? vars.ansible_managed : 'Ansible managed',
  };
  return render(source, fileVars, 'file', path, false) as string;
}

/** renderValue, telling also whether the value was built from data read from a host. */
export function renderTracked(value: string, vars: Vars): { value: unknown; readHostData: boolean } {
  const before = inertReads;
  const rendered = renderValue(value, vars);
  return { value: rendered, readHostData: inertReads !== before };
}

/** Evaluates a Jinja2 expression (no braces) to its value. */
export function evaluate(expression: string, vars: Vars): unknown {
  return located(undefined, () =>
    run(compile(normalize(expression).trim(), 'expression'), createSession(vars, undefined)),
  );
}

/**
 * The syntax problem of a template, if it has one (for checks before anything runs). In
 * 'expression' mode a string without braces is a condition (when, until, assert that); in 'file'
 * mode the string is a template file's text.
 */
export function findTemplateSyntaxError(
  value: unknown,
  mode: TemplateMode = 'playbook',
): TemplateSyntaxError | undefined {
  if (typeof value === 'string') {
    const bare = mode === 'expression' && !hasTemplate(value);
    if (bare ? value.trim() === '' : !hasTemplate(value)) return undefined;
    try {
      if (bare) compile(normalize(value).trim(), 'expression');
      else compile(bodyOf(normalize(value)), mode === 'file' ? 'file' : 'playbook');
      return undefined;
    } catch (error) {
      if (error instanceof TemplateSyntaxError) return error.locate({ line: lineOf(error) });
      throw error;
    }
  }
  if (value === null || typeof value !== 'object' || isInertValue(value)) return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const found = findTemplateSyntaxError(item, mode);
    if (found) return found;
  }
  return undefined;
}

/** Jinja2 reads \r\n and \r as \n; a {# that no #} closes is text (see keepStrayCommentStarts). */
function normalize(source: string): string {
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  return text.includes('{#') ? keepStrayCommentStarts(text) : text;
}

/**
 * A {# that no #} follows (a shell's ${#var} in a command that also holds a template) is text,
 * where Jinja2 would fail the whole template: it becomes {{ '{#' }}. Tags are skipped whole.
 */
function keepStrayCommentStarts(text: string): string {
  if (text.includes('{% raw') || text.includes('{%- raw')) return text;
  let out = '';
  let at = 0;
  for (let next = text.indexOf('{', at); next !== -1; next = text.indexOf('{', at)) {
    const opener = text.slice(next, next + 2);
    const closer = opener === '{{' ? '}}' : opener === '{%' ? '%}' : opener === '{#' ? '#}' : undefined;
    if (closer === undefined) {
      out += text.slice(at, next + 1);
      at = next + 1;
      continue;
    }
    const end = text.indexOf(closer, next + 2);
    if (end === -1 && opener === '{#') {
      out += `${text.slice(at, next)}{{ '{#' }}`;
      at = next + 2;
      continue;
    }
    const stop = end === -1 ? text.length : end + 2;
    out += text.slice(at, stop);
    at = stop;
  }
  return out + text.slice(at);
}

/** Jinja2 drops one trailing newline of the source; Ansible then puts back what the output lacks. */
function bodyOf(source: string): string {
  return source.endsWith('\n') ? source.slice(0, -1) : source;
}

function trailingNewlines(text: string): number {
  let count = 0;
  while (count < text.length && text[text.length - 1 - count] === '\n') count++;
  return count;
}

/** What a rendered value reads as in text: None is empty, the rest as Python's str(). */
function toText(value: unknown): string {
  return value === null || value === undefined ? '' : pyStr(value);
}

/** One render: the template's value (kept as it is when `native` and it is one expression). */
function render(template: string, vars: Vars, mode: TemplateMode, file: string | undefined, native: boolean): unknown {
  const source = normalize(template);
  return located(file, () => {
    const program: Program = compile(bodyOf(source), mode);
    const value = run(program, createSession(vars, file));
    const wanted = trailingNewlines(source);
    if (program.native && native && wanted === 0) return value;
    const text = program.native ? toText(value) : (value as string);
    const missing = wanted - trailingNewlines(text);
    return missing > 0 ? text + '\n'.repeat(missing) : text;
  });
}

/** Runs a render; the outermost one records in its error where in the template it failed. */
function located<T>(file: string | undefined, fn: () => T): T {
  const outermost = depth === 0;
  const start = outermost ? process.hrtime.bigint() : 0n;
  try {
    return fn();
  } catch (error) {
    if (outermost && (error instanceof UndefinedVariableError || error instanceof TemplateSyntaxError))
      error.locate({ file, line: lineOf(error) });
    throw error;
  } finally {
    if (outermost) renderNanos += process.hrtime.bigint() - start;
  }
}

/** Milliseconds this process has spent rendering templates and evaluating expressions so far. */
export function measureRenderTime(): number {
  return Number(renderNanos) / 1e6;
}

function createSession(vars: Vars, file: string | undefined): RenderSession {
  return {
    vars,
    file,
    noteInert: () => void inertReads++,
    renderVariable(value, context) {
      if (!hasTemplate(value)) return value;
      if (depth >= MAX_DEPTH) throw new TemplateSyntaxError('a variable refers to itself (directly or through others)');
      depth++;
      try {
        return renderValue(value, context ?? vars);
      } finally {
        depth--;
      }
    },
    renderTemplateFile: (path, fileVars) => renderTemplateFile(readFileSync(path, 'utf8'), fileVars, path),
  };
}
