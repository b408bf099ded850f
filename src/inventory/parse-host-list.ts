import { parseHostAddress } from './expand-host-range.js';
import type { InventoryData } from './inventory-data.js';

/** `-i 'web1,web2:2222,'`: a comma-separated list of ungrouped hosts (no ranges), as Ansible's host_list. */
export function parseHostList(list: string, data: InventoryData): void {
  for (const item of list.split(',')) {
    if (!item.trim()) continue;
    const { name, port } = parseHostAddress(item);
    data.addHost(name, 'ungrouped', port);
  }
}
