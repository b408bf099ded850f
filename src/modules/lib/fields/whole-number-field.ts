/** A non-negative whole number that also accepts its decimal string ("1001" after templating). */
import { z } from 'zod';

export function wholeNumberField(what = 'a whole number') {
  return z.union(
    [
      z.number().int().nonnegative(),
      z
        .string()
        .regex(/^\s*\d+\s*$/)
        .transform((value) => Number(value.trim())),
    ],
    {
      error: `must be ${what} (0 or more)`,
    },
  );
}

/** A non-negative number of seconds, fractions allowed ("0.5" or 0.5). */
export function secondsField() {
  return z.union(
    [
      z.number().nonnegative(),
      z
        .string()
        .regex(/^\s*\d+(\.\d+)?\s*$/)
        .transform((value) => Number(value.trim())),
    ],
    {
      error: 'must be a number of seconds (0 or more)',
    },
  );
}
