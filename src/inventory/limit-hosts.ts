import type { Inventory } from './types.js';
import { DroverError } from '../errors.js';

/** A --limit that leaves nothing to run on: ansible-playbook stops before any play for it. */
export class NoHostsError extends DroverError {
  override name = 'NoHostsError';
  constructor(readonly limit: string) {
    super(
      `Specified inventory, host pattern and/or --limit leaves us with no hosts to target: --limit '${limit}' matches no host of the inventory`,
    );
  }
}

/**
 * The hosts --limit keeps, or undefined without a limit. As in Ansible, a limit that matches no
 * host is an error, unless the inventory has no hosts at all (then every play just matches none).
 */
export function limitHosts(
  inventory: Pick<Inventory, 'selectHosts' | 'hostNames'>,
  limit: string | undefined,
): Set<string> | undefined {
  if (!limit) return undefined;
  const hosts = inventory.selectHosts(limit);
  if (hosts.length === 0 && inventory.hostNames().length > 0) throw new NoHostsError(limit);
  return new Set(hosts);
}
