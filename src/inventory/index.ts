export { loadInventory } from './load-inventory.js';
export { InventoryError } from './inventory-error.js';
export type { Inventory } from './types.js';
export { renderInventoryGraph, renderInventoryHost, renderInventoryList } from './render.js';
export { expandHostRange } from './expand-host-range.js';
export { IMPLICIT_LOCALHOST } from './select-hosts.js';
export { limitHosts, NoHostsError } from './limit-hosts.js';
