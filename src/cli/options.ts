import { InvalidArgumentError } from 'commander';

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function increase(_value: string, previous = 0): number {
  return previous + 1;
}

/** A commander parser for a whole number of at least min (an empty value is not 0). */
function wholeNumberAtLeast(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isInteger(number) || number < min)
      throw new InvalidArgumentError(`expected a whole number of ${min} or more`);
    return number;
  };
}

export const positiveInteger = wholeNumberAtLeast(1);
export const nonNegativeInteger = wholeNumberAtLeast(0);

export function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}
