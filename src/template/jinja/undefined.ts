import { suggestName } from '../../suggest.js';
import { UndefinedVariableError } from '../errors.js';

/**
 * What a template gets for a name or key that is not defined: Ansible's StrictUndefined. It may be
 * tested (`is defined`), given a default (`| default`) or looked into (`x.y` is the same undefined,
 * naming the first missing part, as Ansible's AnsibleUndefined does); any other use of it (output,
 * arithmetic, comparison, truth, iteration, a filter) fails, naming it.
 */
export class Undefined {
  readonly #name: string;
  readonly #candidates: () => Iterable<string>;

  constructor(name: string, candidates: () => Iterable<string> = () => []) {
    this.#name = name;
    this.#candidates = candidates;
    Object.freeze(this);
  }

  get name(): string {
    return this.#name;
  }

  /** The error any use of this value throws. */
  error(): UndefinedVariableError {
    const last = /[\w-]+(?=\W*$)/.exec(this.#name)?.[0] ?? this.#name;
    const candidates = [...this.#candidates()].filter((candidate) => candidate !== last);
    return new UndefinedVariableError(this.#name, { suggestion: suggestName(last, candidates) });
  }

  [Symbol.toPrimitive](): never {
    throw this.error();
  }

  toJSON(): never {
    throw this.error();
  }
}

export function isUndefined(value: unknown): value is Undefined {
  return value instanceof Undefined;
}

/** Throws the value's error when it is undefined; returns it otherwise. */
export function requireDefined<T>(value: T): Exclude<T, Undefined> {
  if (value instanceof Undefined) throw value.error();
  return value as Exclude<T, Undefined>;
}
