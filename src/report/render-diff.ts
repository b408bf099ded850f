import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../modules/types.js';
import { maskSecrets } from '../secrets/mask.js';
import { maskReplacedSecrets } from './mask-replaced-secrets.js';

/** A unified diff of one file's before/after content, secrets (and the values they replace) masked. */
export function renderUnifiedDiff(diff: FileDiff): string {
  const patch = createTwoFilesPatch(
    `${diff.path} (on host)`,
    `${diff.path} (wanted)`,
    diff.before,
    diff.after,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop the "=====" banner line diff adds at the top.
  return maskSecrets(maskReplacedSecrets(patch.replace(/^=+\n/, '')));
}
