import { Command } from 'commander';
import {
  loadInventory,
  renderInventoryGraph,
  renderInventoryHost,
  renderInventoryList,
} from '../../inventory/index.js';
import { UsageError } from '../exit-codes.js';
import { collect } from '../options.js';
import { configureVaultPassword } from '../vault-options.js';
import { maskValue } from '../../secrets/mask.js';

export function createInventoryCommand(): Command {
  return new Command('inventory')
    .description('Show the inventory as drover reads it (like ansible-inventory).')
    .requiredOption('-i, --inventory <path>', 'inventory file, directory or "host1,host2," (repeatable)', collect, [])
    .option('--list', 'every group and host, with host variables, as JSON')
    .option('--export', "with --list: each group's own variables, and each host's own instead of the merged ones")
    .option('--graph', 'the group tree')
    .option('--host <name>', 'the variables of one host, as JSON (secrets masked)')
    .option(
      '--vault-password-file <file>',
      'vault password file (default: $DROVER_VAULT_PASSWORD_FILE; else asked when needed)',
    )
    .addHelpText(
      'after',
      `
Examples:
  drover inventory -i inventory --graph
  drover inventory -i inventory --list
  drover inventory -i inventory --list --export
  drover inventory -i inventory/hosts.ini -i inventory/extra.yml --host backend1`,
    )
    .action(
      async (options: {
        inventory: string[];
        list?: boolean;
        export?: boolean;
        graph?: boolean;
        host?: string;
        vaultPasswordFile?: string;
      }) => {
        configureVaultPassword(options);
        const chosen = [options.list, options.graph, options.host !== undefined].filter(Boolean).length;
        if (chosen !== 1) throw new UsageError('choose one of --list, --graph or --host NAME');
        if (options.export && !options.list) throw new UsageError('--export goes with --list');
        const inventory = await loadInventory(options.inventory);
        if (options.graph) process.stdout.write(`${renderInventoryGraph(inventory).trimEnd()}\n`);
        else if (options.list)
          process.stdout.write(
            `${JSON.stringify(maskValue(renderInventoryList(inventory, { export: options.export })), null, 2)}\n`,
          );
        else {
          if (!inventory.hasHost(options.host!))
            throw new UsageError(`no host named '${options.host}' in the inventory`);
          process.stdout.write(
            `${JSON.stringify(maskValue(renderInventoryHost(inventory, options.host!)), null, 2)}\n`,
          );
        }
      },
    );
}
