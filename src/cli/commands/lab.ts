import { Command, Option } from 'commander';
import { loadInventory } from '../../inventory/index.js';
import { labDown, labStatus, labUp, listLabHosts, type LabStatus } from '../../lab/index.js';
import { LabError } from '../../lab/errors.js';
import { describeNeed, type SetupPurpose } from '../../lab/host-packages.js';
import { setUpHost } from '../../lab/setup-host.js';
import { UsageError } from '../exit-codes.js';
import { collect } from '../options.js';
import { skipVaultDecryption } from '../../vault/keyring.js';

interface LabCommandOptions {
  inventory: string[];
  limit?: string;
  subnet?: string;
  json?: boolean;
}

/** Inventory host names (narrowed by --limit), in inventory order: the lab's hosts. */
async function selectLabHosts(options: LabCommandOptions): Promise<string[]> {
  // Only host names are needed: vault-encrypted values stay encrypted and no password is asked.
  skipVaultDecryption();
  const inventory = await loadInventory(options.inventory);
  const names = options.limit ? inventory.selectHosts(options.limit) : inventory.hostNames();
  if (names.length === 0) {
    throw new UsageError(
      options.limit
        ? `--limit ${options.limit} matches no host of the inventory`
        : `the inventory ${options.inventory.join(', ')} names no hosts`,
    );
  }
  return names;
}

function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function renderLabTable(status: LabStatus): string {
  const rows = [['HOST', 'ADDRESS', 'STATE'], ...status.hosts.map((h) => [h.name, h.address || '-', h.state])];
  const widths = [0, 1].map((col) => Math.max(...rows.map((row) => row[col].length)));
  const lines = rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`);
  return [...lines, '', `key:         ${status.key}`, `known_hosts: ${status.knownHosts}`].join('\n') + '\n';
}

function inventoryOption(command: Command, required: boolean): Command {
  const flags = '-i, --inventory <path>';
  const text = 'inventory file, directory or "host1,host2," (repeatable)';
  return required ? command.requiredOption(flags, text, collect, []) : command.option(flags, text, collect, []);
}

function createUpCommand(): Command {
  const command = new Command('up').description(
    'Start a lab host for every inventory host (keeps the ones already running).',
  );
  return inventoryOption(command, true)
    .option('-l, --limit <pattern>', 'only these inventory hosts (e.g. "backend:!backend2")')
    .option('--subnet <cidr>', 'private subnet for the lab bridge (default 10.77.0.0/24, or env DROVER_LAB_SUBNET)')
    .addHelpText(
      'after',
      `
Examples:
  drover lab up -i inventory
  drover lab up -i inventory --limit backend
  drover lab up -i inventory --subnet 10.88.0.0/24`,
    )
    .action(async (options: LabCommandOptions) => {
      const status = await labUp(await selectLabHosts(options), { subnet: options.subnet, log: printLine });
      process.stdout.write(renderLabTable(status));
    });
}

function createDownCommand(): Command {
  const command = new Command('down').description(
    'Remove lab hosts; with no inventory, the whole lab (bridge and apt-cacher-ng too).',
  );
  return inventoryOption(command, false)
    .option('-l, --limit <pattern>', 'only these inventory hosts')
    .addHelpText(
      'after',
      `
Examples:
  drover lab down                      # every lab host, the bridge and apt-cacher-ng
  drover lab down -i inventory --limit db1`,
    )
    .action(async (options: LabCommandOptions) => {
      if (options.inventory.length === 0 && options.limit) throw new UsageError('--limit needs -i INVENTORY');
      const names = options.inventory.length > 0 ? await selectLabHosts(options) : undefined;
      await labDown(names, { log: printLine });
    });
}

function createStatusCommand(): Command {
  const command = new Command('status').description('Show each lab host, its address and whether sshd answers.');
  return inventoryOption(command, false)
    .option('-l, --limit <pattern>', 'only these inventory hosts')
    .option('--json', 'print {"hosts":[{"name","address","state"}],"key","knownHosts"} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  drover lab status -i inventory
  drover lab status -i inventory --json
  drover lab status                    # every host the lab has`,
    )
    .action(async (options: LabCommandOptions) => {
      if (options.inventory.length === 0 && options.limit) throw new UsageError('--limit needs -i INVENTORY');
      const names = options.inventory.length > 0 ? await selectLabHosts(options) : await listLabHosts();
      const status = await labStatus(names);
      if (options.json) {
        const hosts = status.hosts.map(({ name, address, state }) => ({ name, address, state }));
        process.stdout.write(`${JSON.stringify({ hosts, key: status.key, knownHosts: status.knownHosts }, null, 2)}\n`);
      } else if (status.hosts.length === 0) {
        process.stdout.write('the lab has no hosts; start them with: drover lab up -i INVENTORY\n');
      } else {
        process.stdout.write(renderLabTable(status));
      }
    });
}

/** `drover lab up|down|status`: throwaway Debian hosts (systemd, sshd, apt) named after inventory hosts. */
function createSetupCommand(): Command {
  return new Command('setup')
    .description(
      'Install (apt-get, as root) the Debian packages the demo or the tests need and this machine lacks, saying what and why.',
    )
    .addOption(new Option('--for <purpose>', 'what to set up for').choices(['demo', 'tests']).default('demo'))
    .option('--if-possible', 'without root or apt-get, warn and exit 0 (the unit tests need no host tool)')
    .action(async (options: { for: SetupPurpose; ifPossible?: boolean }) => {
      const result = await setUpHost(options.for, printLine);
      if (result.missing.length === 0)
        printLine(`drover lab setup: every package ${describeNeed(options.for)} is installed`);
      if (result.reason === undefined) return;
      const message = `drover lab setup: ${describeNeed(options.for)} packages this machine lacks, and ${result.reason}`;
      if (!options.ifPossible) throw new LabError(message);
      process.stderr.write(`[WARNING]: ${message}; the tests that need them will fail\n`);
    });
}

export function createLabCommand(): Command {
  return new Command('lab')
    .description(
      'Throwaway Debian hosts (systemd + sshd in containers on a private bridge) for the inventory, to try playbooks on.',
    )
    .addCommand(createSetupCommand())
    .addCommand(createUpCommand())
    .addCommand(createDownCommand())
    .addCommand(createStatusCommand())
    .addHelpText(
      'after',
      `
Examples:
  drover lab up -i inventory
  drover run site.yml -i inventory --lab
  drover lab status -i inventory --json
  drover lab down

Needs root and: apt-get install -y debootstrap systemd-container apt-cacher-ng openssh-client iproute2
State (base image, keys, overlays): /var/lib/drover-lab, or env DROVER_LAB_DIR; bridge drover-lab0, or env DROVER_LAB_BRIDGE.`,
    );
}
