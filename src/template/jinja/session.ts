/** What one render needs besides its template: the variables, and how to render what they hold. */
export interface RenderSession {
  /** The task's variables (or those a template file is rendered with). */
  readonly vars: Record<string, unknown>;
  /** The template file being rendered, if the template is one (for errors and lookups). */
  readonly file?: string;
  /** Renders the templates inside a variable's value when it is read ("/opt/{{ app }}"), with these variables or the session's. */
  renderVariable(value: unknown, vars?: Record<string, unknown>): unknown;
  /** Renders a template file found by a lookup, with these variables. */
  renderTemplateFile(path: string, vars: Record<string, unknown>): string;
  /** Called when the render reads data from a host (see inert.ts). */
  noteInert(): void;
}
