import type { Inventory } from '../inventory/index.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { Playbook } from '../playbook/types.js';
import { HostState } from './host-state.js';
import type { RunContext, RunOptions } from './run-context.js';
import { runPlay } from './run-play.js';

export interface RunOutcome {
  hosts: Map<string, HostState>;
  /** Hosts that took part in at least one play, in inventory order. */
  order: string[];
  interrupted: boolean;
}

/** Runs every play of a playbook against the inventory. Never sets the exit code: the CLI does. */
export async function runPlaybook(
  playbook: Playbook,
  inventory: Inventory,
  modules: Map<string, ModuleDefinition>,
  options: RunOptions & { limit?: string },
): Promise<RunOutcome> {
  const limited = options.limit ? new Set(inventory.selectHosts(options.limit)) : undefined;
  const run: RunContext = {
    inventory,
    hosts: new Map(),
    extraVars: options.extraVars,
    playbookDir: playbook.file.replace(/\/[^/]*$/, ''),
    check: options.check || options.drift,
    groups: inventory.groupsMap(),
    options: { ...options, check: options.check || options.drift },
    modules,
    started: options.startAtTask === undefined,
    interrupted: () => options.signal?.aborted ?? false,
  };
  const order: string[] = [];
  try {
    for (const play of playbook.plays) {
      if (run.interrupted()) break;
      const selected = inventory.selectHosts(play.hosts).filter((name) => !limited || limited.has(name));
      if (selected.length === 0) {
        options.events.warning?.(`play '${play.name}': no hosts matched '${play.hosts}'${limited ? ` with --limit ${options.limit}` : ''}`);
        continue;
      }
      for (const name of selected) {
        if (!run.hosts.has(name)) {
          run.hosts.set(name, new HostState(name, inventory.hostVars(name)));
          order.push(name);
        }
      }
      const active = selected.filter((name) => run.hosts.get(name)!.active);
      await runPlay(run, play, active);
    }
  } finally {
    await Promise.all([...run.hosts.values()].map((host) => host.connection?.close().catch(() => undefined)));
  }
  return { hosts: run.hosts, order, interrupted: run.interrupted() };
}
