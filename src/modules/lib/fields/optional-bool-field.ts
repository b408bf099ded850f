/** A boolean without a default (unset means "leave the host's own setting"), accepting yes/no like boolField. */
import { z } from 'zod';
import { parseBoolWord } from '../../../bool-words.js';

export function optionalBoolField() {
  return z
    .union(
      [
        z.boolean(),
        z.string().refine((value) => parseBoolWord(value) !== undefined, 'must be a boolean (true/false, yes/no)'),
      ],
      { error: 'must be a boolean (true/false, yes/no)' },
    )
    .optional()
    .transform((value) => (value === undefined || typeof value === 'boolean' ? value : parseBoolWord(value)));
}
