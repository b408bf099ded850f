/**
 * The context compiled templates read names from: variables set by the template itself first,
 * then the task's variables, then the globals (range, lookup, namespace, ...). A name found nowhere
 * is an Undefined naming it.
 */
import { TemplateSyntaxError } from '../errors.js';
import { markScope, readVariable } from './scopes.js';
import type { RenderSession } from './session.js';
import { Undefined } from './undefined.js';

export type GlobalFunction = (this: TemplateContext, ...args: unknown[]) => unknown;

const LITERALS: Record<string, unknown> = {
  True: true,
  False: false,
  None: null,
  true: true,
  false: false,
  none: null,
};

export class TemplateContext {
  private readonly locals = new Map<string, unknown>();
  private readonly read = new Map<string, unknown>();

  constructor(
    readonly session: RenderSession,
    private readonly globals: Readonly<Record<string, unknown>>,
  ) {}

  lookup(name: string): unknown {
    if (this.locals.has(name)) return this.locals.get(name);
    const vars = this.session.vars;
    if (Object.hasOwn(vars, name)) {
      if (!this.read.has(name)) this.read.set(name, readVariable(vars, name, this.session));
      return this.read.get(name);
    }
    if (name === 'vars') return markScope(vars);
    if (Object.hasOwn(this.globals, name)) return this.globals[name];
    if (Object.hasOwn(LITERALS, name)) return LITERALS[name];
    return new Undefined(name, () => [...Object.keys(vars), ...this.locals.keys()]);
  }

  /** {% set %} at the top of a template. */
  setVariable(name: string, value: unknown): void {
    this.locals.set(name, value);
  }

  getVariables(): Record<string, unknown> {
    return Object.fromEntries(this.locals);
  }

  addExport(): void {}

  getBlock(): never {
    throw new TemplateSyntaxError('{% block %} is not supported');
  }
}
