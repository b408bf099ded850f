import { DroverError } from '../errors.js';

/** Where in a template a problem is: the template file (when there is one) and its line. */
export interface TemplatePlace {
  file?: string;
  line?: number;
}

/** A template or expression used a variable that is not defined for this host and task. */
export class UndefinedVariableError extends DroverError {
  override name = 'UndefinedVariableError';
  /** The closest defined name, when one is close enough to be a likely typo. */
  readonly suggestion: string | undefined;
  file: string | undefined;
  line: number | undefined;

  constructor(
    readonly variable: string,
    options?: { cause?: unknown; suggestion?: string } & TemplatePlace,
  ) {
    super(`undefined variable '${variable}'`, options);
    this.suggestion = options?.suggestion;
    this.file = options?.file;
    this.line = options?.line;
    this.message = this.describe();
  }

  /** "did you mean 'server_name'?", when a defined name is close. */
  get hint(): string | undefined {
    return this.suggestion === undefined ? undefined : `did you mean '${this.suggestion}'?`;
  }

  /** Records where the variable was read. */
  locate(place: TemplatePlace): this {
    locateIn(this, place);
    this.message = this.describe();
    return this;
  }

  private describe(): string {
    const where = describePlace(this);
    return `undefined variable '${this.variable}'${where ? ` in ${where}` : ''}${this.hint ? ` (${this.hint})` : ''}`;
  }
}

/** A template or expression that cannot be parsed or evaluated. */
export class TemplateSyntaxError extends DroverError {
  override name = 'TemplateSyntaxError';
  file: string | undefined;
  line: number | undefined;
  /** The message without the place, as the template engine gave it. */
  readonly reason: string;

  constructor(message: string, options?: { cause?: unknown } & TemplatePlace) {
    super(message, options);
    this.reason = message;
    this.file = options?.file;
    this.line = options?.line;
    this.message = this.describe();
  }

  locate(place: TemplatePlace): this {
    locateIn(this, place);
    this.message = this.describe();
    return this;
  }

  private describe(): string {
    const where = describePlace(this);
    return where ? `${this.reason} (${where})` : this.reason;
  }
}

/**
 * The first template file named wins, with its line: a variable whose value is itself a template
 * fails inside that value, but the file and line to look at are where the variable is used.
 */
function locateIn(target: TemplatePlace, place: TemplatePlace): void {
  if (target.file !== undefined) return;
  if (place.file !== undefined) {
    target.file = place.file;
    target.line = place.line ?? target.line;
  } else target.line ??= place.line;
}

function describePlace(place: TemplatePlace): string {
  if (place.file !== undefined) return place.line !== undefined ? `${place.file}:${place.line}` : place.file;
  return place.line !== undefined && place.line > 1 ? `line ${place.line} of the template` : '';
}
