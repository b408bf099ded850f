/**
 * In a unified diff, a line that brings in a secret most likely replaces the previous secret, which
 * drover no longer knows (the vault now holds the new one): "-password=old" paired with
 * "+password=NEW". The changed part of such a removed line is masked, so the old secret stays hidden.
 */
import { MASK, secretSpans } from '../secrets/mask.js';

export function maskReplacedSecrets(patch: string): string {
  const lines = patch.split('\n');
  let i = lines.findIndex((line) => line.startsWith('@@'));
  if (i === -1) return patch;
  while (i < lines.length) {
    if (!lines[i].startsWith('-')) {
      i++;
      continue;
    }
    const removed: number[] = [];
    while (i < lines.length && (lines[i].startsWith('-') || lines[i].startsWith('\\'))) {
      if (lines[i].startsWith('-')) removed.push(i);
      i++;
    }
    const added: number[] = [];
    while (i < lines.length && (lines[i].startsWith('+') || lines[i].startsWith('\\'))) {
      if (lines[i].startsWith('+')) added.push(i);
      i++;
    }
    // Removed and added lines of one change block are paired in order, as a reader pairs them.
    for (let k = 0; k < Math.min(removed.length, added.length); k++) {
      lines[removed[k]] = `-${maskReplacedPart(lines[removed[k]].slice(1), lines[added[k]].slice(1))}`;
    }
  }
  return lines.join('\n');
}

/** Masks what `before` has where `after` has a secret: everything between their common ends. */
function maskReplacedPart(before: string, after: string): string {
  const spans = secretSpans(after);
  if (spans.length === 0) return before;
  const secretStart = Math.min(...spans.map(([start]) => start));
  const secretEnd = Math.max(...spans.map(([, end]) => end));
  let prefix = 0;
  while (prefix < secretStart && prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  const maxSuffix = Math.min(after.length - secretEnd, before.length - prefix);
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  if (prefix + suffix >= before.length) return before;
  return `${before.slice(0, prefix)}${MASK}${before.slice(before.length - suffix)}`;
}
