/** A boolean without a default (unset means "leave the host's own setting"), accepting yes/no like boolField. */
import { z } from 'zod';

const WORDS: Record<string, boolean> = {
  yes: true,
  true: true,
  on: true,
  y: true,
  '1': true,
  no: false,
  false: false,
  off: false,
  n: false,
  '0': false,
};

export function optionalBoolField() {
  return z
    .union(
      [
        z.boolean(),
        z.string().refine((value) => value.trim().toLowerCase() in WORDS, 'must be a boolean (true/false, yes/no)'),
      ],
      { error: 'must be a boolean (true/false, yes/no)' },
    )
    .optional()
    .transform((value) =>
      value === undefined || typeof value === 'boolean' ? value : WORDS[value.trim().toLowerCase()],
    );
}
