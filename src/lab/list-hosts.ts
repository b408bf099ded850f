import { resolveLabPaths } from './paths.js';
import { readLabState } from './state-file.js';

/** Names of every host the lab has recorded, in address order. */
export async function listLabHosts(): Promise<string[]> {
  const state = await readLabState(resolveLabPaths().stateFile);
  return Object.values(state.hosts)
    .sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }))
    .map((h) => h.name);
}
