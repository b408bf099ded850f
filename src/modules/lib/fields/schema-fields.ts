/** Zod fields shared by the file and command modules, accepting the spellings Ansible playbooks use. */
import { z } from 'zod';
import { normalizeMode, ModeError } from '../plan/file-mode.js';
import { parseBoolWord } from '../../../bool-words.js';

/**
 * A boolean that also accepts yes/no/on/off (YAML 1.2 reads `yes` as a string). The default sits
 * before the transform so the generated reference shows it.
 */
export function boolField(fallback: boolean) {
  return z
    .union(
      [
        z.boolean(),
        z.string().refine((value) => parseBoolWord(value) !== undefined, 'must be a boolean (true/false, yes/no)'),
      ],
      { error: 'must be a boolean (true/false, yes/no)' },
    )
    .default(fallback)
    .transform((value) => (typeof value === 'boolean' ? value : parseBoolWord(value)!));
}

/**
 * A file mode: an octal string ('0644', '644', '2775'), a number whose digits are the octal
 * digits (YAML 1.2 reads `0644` as 644), or a symbolic mode ('u=rw,g=r,o=r', 'u+x').
 * Normalized to four octal digits, or kept as the symbolic string.
 */
export const modeField = z
  .union([z.string(), z.number()], { error: "must be a mode such as '0644' or 'u=rw,g=r,o=r'" })
  .transform((value, ctx) => {
    try {
      return normalizeMode(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof ModeError ? error.message : String(error) });
      return z.NEVER;
    }
  });

/** A user or group: a name or a numeric id. */
export const principalField = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/** A non-empty path. */
export const pathField = z.string({ error: 'must be a path (a string)' }).min(1, 'must not be empty');
