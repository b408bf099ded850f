/**
 * The closest known name to a mistyped one, if it is close enough to be a likely typo. Distance
 * counts a swap of two neighbouring letters as one edit ('fiel' is one from 'file'); among names
 * equally close, one that `fits` (a module whose parameters the task's arguments match) wins.
 */
export function suggestName(
  name: string,
  candidates: readonly string[],
  fits: (candidate: string) => boolean = () => false,
): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { name: string; score: number } | undefined;
  for (const candidate of candidates) {
    const edits = measureEdits(name, candidate);
    if (edits > limit) continue;
    // A fitting name is preferred over one that is closer by a single edit.
    const score = edits - (fits(candidate) ? 1.5 : 0);
    if (!best || score < best.score) best = { name: candidate, score };
  }
  return best?.name;
}

export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const best = suggestName(name, candidates);
  return best ? `did you mean '${best}'?` : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function measureEdits(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  return rows[a.length][b.length];
}
