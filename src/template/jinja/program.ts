/**
 * Templates compiled once, by source text, and run against a render session. A compiled template
 * is a JavaScript function nunjucks's compiler wrote from the template's syntax tree (see
 * compiler.ts): it can call only the runtime and the environment it is given.
 */
import { compileTemplate } from './compiler.js';
import { TemplateContext } from './context.js';
import { environment, GLOBALS } from './environment.js';
import { nodes, nunjucksRuntime } from './nunjucks.js';
import { parseTemplate } from './parser.js';
import { lineOfError, runtime } from './runtime.js';
import type { RenderSession } from './session.js';

type RootFunction = (
  env: unknown,
  context: TemplateContext,
  frame: unknown,
  rt: unknown,
  callback: (error: unknown, result: unknown) => void,
) => void;

export type TemplateMode =
  /** A string of the playbook, vars or inventory: backslashes in {{ }} strings stay as written. */
  | 'playbook'
  /** A template file (or the template lookup): Jinja2's string escapes everywhere. */
  | 'file'
  /** A condition (when, until, assert that): an expression without braces. */
  | 'expression';

export interface Program {
  /** The template is one {{ expression }}, so its value keeps its type. */
  readonly native: boolean;
  readonly root: RootFunction;
}

const MAX_CACHED = 5000;
const cache = new Map<string, Program>();

/** The compiled form of a template, compiled on first use. */
export function compile(source: string, mode: TemplateMode): Program {
  const key = `${mode}\0${source}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const program = build(mode === 'expression' ? `{{ (${source}) }}` : source, mode);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, program);
  return program;
}

function build(source: string, mode: TemplateMode): Program {
  const ast = parseTemplate(source, { rawStringsInVariables: mode === 'playbook' });
  const native = mode === 'expression' || isSingleExpression(ast);
  // The one {{ expression }} of the template gives its value as it is.
  if (native) ast.children[0].native = true;
  const code = compileTemplate(ast, {
    hasFilter: (name) => Object.hasOwn(environment.filters, name),
    hasTest: (name) => Object.hasOwn(environment.tests, name),
  });
  const props = new Function(code)() as { root: RootFunction };
  return { native, root: props.root };
}

function isSingleExpression(ast: { children: Array<{ children?: unknown[] }> }): boolean {
  if (ast.children.length !== 1 || !(ast.children[0] instanceof nodes.Output)) return false;
  const [only, ...more] = ast.children[0].children ?? [];
  return more.length === 0 && only !== undefined && !(only instanceof nodes.TemplateData);
}

/** Runs a compiled template; the value of a one-expression template, text otherwise. */
export function run(program: Program, session: RenderSession): unknown {
  const context = new TemplateContext(session, GLOBALS);
  const frame = new nunjucksRuntime.Frame();
  frame.topLevel = true;
  let failure: unknown;
  let result: unknown;
  program.root(environment, context, frame, runtime, (error, value) => {
    failure = error;
    result = value;
  });
  if (failure !== null && failure !== undefined) throw failure;
  return result;
}

/** The line of the template an error of run() was thrown at, if compiled code knew it. */
export function lineOf(error: unknown): number | undefined {
  return lineOfError(error);
}
