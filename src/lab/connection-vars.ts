import { LabError } from './errors.js';
import type { LabStatus } from './types.js';

/** Host vars that point a run at the lab host standing in for an inventory host (`drover run --lab`). */
export function labConnectionVars(status: LabStatus, host: string): Record<string, unknown> {
  const found = status.hosts.find((h) => h.name === host);
  if (!found || !found.address) {
    throw new LabError(`host "${host}" is not in the lab; start it with: drover lab up -i INVENTORY --limit ${host}`);
  }
  return {
    ansible_host: found.address,
    ansible_port: 22,
    ansible_user: 'root',
    ansible_ssh_private_key_file: status.key,
    drover_known_hosts_file: status.knownHosts,
    ansible_connection: 'ssh',
  };
}
