import { closest, distance } from 'fastest-levenshtein';

/** The closest known name to a mistyped one, if it is close enough to be a likely typo. */
export function suggestName(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates as string[]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const best = suggestName(name, candidates);
  return best ? `did you mean '${best}'?` : undefined;
}
