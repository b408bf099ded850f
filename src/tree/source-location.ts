import { dirname } from 'node:path';

/** Where a node was written: the file, and the 1-based line and column in it. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** A task location (`file:line:col`) relative to the playbook's directory, as people wrote it. */
export function shortLocation(location: string | undefined, playbook: string): string | undefined {
  if (location === undefined) return undefined;
  const base = `${dirname(playbook)}/`;
  return location.startsWith(base) ? location.slice(base.length) : location;
}
