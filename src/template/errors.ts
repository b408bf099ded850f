/** A template or expression used a variable that is not defined for this host and task. */
import { DroverError } from '../errors.js';
export class UndefinedVariableError extends DroverError {
  override name = 'UndefinedVariableError';
  constructor(
    readonly variable: string,
    options?: { cause?: unknown },
  ) {
    super(`undefined variable '${variable}'`, options);
  }
}

/** A template or expression that cannot be parsed or evaluated. */
export class TemplateSyntaxError extends DroverError {
  override name = 'TemplateSyntaxError';
}
