import type { Inventory } from '../inventory/index.js';
import { labConnectionVars, labStatus } from '../lab/index.js';
import { UsageError } from './exit-codes.js';

/**
 * --lab: every inventory host is reached at its lab container (address, lab key, lab
 * known_hosts, root), whatever its ansible_host says; all other inventory vars stay.
 * A host the lab never started is a usage error; one that is stopped (powered off, crashed)
 * is kept at its address, so the run reports it unreachable as it would a real host that is down.
 */
export async function applyLabOverrides(inventory: Inventory, warn: (message: string) => void): Promise<void> {
  const names = inventory.hostNames();
  const status = await labStatus(names);
  const missing = status.hosts.filter((h) => !h.address).map((h) => h.name);
  if (missing.length > 0) {
    throw new UsageError(
      `--lab: these hosts have no lab container: ${missing.join(', ')}; start them with: drover lab up -i INVENTORY`,
    );
  }
  const down = status.hosts.filter((h) => h.state !== 'running').map((h) => h.name);
  if (down.length > 0)
    warn(
      `--lab: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} not running; \`drover lab up -i INVENTORY\` boots ${down.length === 1 ? 'it' : 'them'} again`,
    );
  for (const name of names) {
    for (const [key, value] of Object.entries(labConnectionVars(status, name))) inventory.setHostVar(name, key, value);
  }
}
