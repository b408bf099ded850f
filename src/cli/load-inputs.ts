import { loadInventory, type Inventory } from '../inventory/index.js';
import { loadModules } from '../modules/registry.js';
import type { ModuleDefinition } from '../modules/types.js';
import { loadPlaybook } from '../playbook/load-playbook.js';
import type { Playbook } from '../tree/types.js';
import { UsageError } from './exit-codes.js';

export interface Inputs {
  playbook: Playbook;
  inventory: Inventory;
  modules: Map<string, ModuleDefinition>;
}

/** Loads and validates the playbook and inventory; throws PlaybookError/InventoryError before anything runs. */
export async function loadInputs(
  playbookPath: string,
  inventorySources: string[],
  options: { rolesPath?: string[] } = {},
): Promise<Inputs> {
  if (inventorySources.length === 0)
    throw new UsageError('no inventory given: add -i INVENTORY (a file, a directory, or "host1,host2,")');
  const modules = await loadModules();
  const playbook = loadPlaybook(playbookPath, modules, { rolesPath: options.rolesPath });
  const inventory = await loadInventory(inventorySources);
  return { playbook, inventory, modules };
}
