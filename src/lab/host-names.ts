import { LabError } from './errors.js';

/** Lab hosts are containers named and hostnamed after inventory names, so those must be valid hostnames. */
export function assertLabHostNames(hostNames: string[]): void {
  if (hostNames.length === 0) {
    throw new LabError('no hosts to put in the lab: the inventory (after --limit) names none');
  }
  const seen = new Set<string>();
  for (const name of hostNames) {
    if (
      !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
        name,
      ) ||
      name.length > 64
    ) {
      throw new LabError(
        `inventory host "${name}" cannot be a lab host: lab containers are named after inventory hosts, so the name must be a hostname (letters, digits, "-" and ".", at most 64 characters)`,
      );
    }
    if (seen.has(name)) throw new LabError(`inventory host "${name}" is listed twice`);
    seen.add(name);
  }
}
