import type { Inventory } from '../inventory/index.js';
import { labConnectionVars, labStatus } from '../lab/index.js';
import { UsageError } from './exit-codes.js';

/**
 * --lab: every inventory host is reached at its lab container (address, lab key, lab
 * known_hosts, root), whatever its ansible_host says; all other inventory vars stay.
 */
export async function applyLabOverrides(inventory: Inventory): Promise<void> {
  const names = inventory.hostNames();
  const status = await labStatus(names);
  const missing = status.hosts.filter((h) => h.state !== 'running').map((h) => h.name);
  if (missing.length > 0) {
    throw new UsageError(`--lab: these hosts have no running lab container: ${missing.join(', ')}; start them with: drover lab up -i INVENTORY`);
  }
  for (const name of names) {
    for (const [key, value] of Object.entries(labConnectionVars(status, name))) inventory.setHostVar(name, key, value);
  }
}
