import { randomBytes } from 'node:crypto';
import { limitHosts, type Inventory } from '../inventory/index.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { Playbook } from '../tree/types.js';
import { HostState } from './host-state.js';
import type { RunContext, RunOptions } from './run-context.js';
import type { PlayAbort } from './play-failures.js';
import { runPlay } from './run-play.js';

export interface RunOutcome {
  hosts: Map<string, HostState>;
  /** Hosts that took part in at least one play, in inventory order. */
  order: string[];
  interrupted: boolean;
}

/**
 * Runs every play of a playbook against the inventory. Never sets the exit code: the CLI does.
 * Throws NoHostsError, before anything runs, when --limit matches no host.
 */
export async function runPlaybook(
  playbook: Playbook,
  inventory: Inventory,
  modules: Map<string, ModuleDefinition>,
  options: RunOptions & { limit?: string },
): Promise<RunOutcome> {
  const limited = limitHosts(inventory, options.limit);
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
    lockToken: randomBytes(12).toString('hex'),
    interrupted: () => options.signal?.aborted ?? false,
  };
  const order: string[] = [];
  try {
    for (const [index, play] of playbook.plays.entries()) {
      if (run.interrupted()) break;
      const selected = inventory.selectHosts(play.hosts).filter((name) => !limited || limited.has(name));
      if (selected.length === 0) {
        options.events.warning?.(
          `play '${play.name}': no hosts matched '${play.hosts}'${limited ? ` with --limit ${options.limit}` : ''}`,
        );
        continue;
      }
      const newcomers = new Set<string>();
      for (const name of selected) {
        if (!run.hosts.has(name)) {
          run.hosts.set(name, new HostState(name, inventory.hostVars(name)));
          newcomers.add(name);
          order.push(name);
        }
      }
      const active = selected.filter((name) => run.hosts.get(name)!.active);
      const abort = await runPlay(run, play, active);
      if (abort) {
        // Hosts whose batch never started took no part in the run: no recap line, as in Ansible.
        for (const name of abort.skippedHosts.filter((host) => newcomers.has(host))) {
          run.hosts.delete(name);
          order.splice(order.indexOf(name), 1);
        }
        const laterPlays = playbook.plays.length - index - 1;
        if (abort.fatal || abort.skippedBatches > 0 || laterPlays > 0)
          options.events.warning?.(describeAbort(play.name, abort, laterPlays));
        break;
      }
    }
  } finally {
    await Promise.all(
      [...run.hosts.values()].map(async (host) => {
        await host.lock?.release().catch(() => undefined);
        await host.connection?.close().catch(() => undefined);
      }),
    );
  }
  return { hosts: run.hosts, order, interrupted: run.interrupted() };
}

function describeAbort(play: string, abort: PlayAbort, laterPlays: number): string {
  const skipped = [
    abort.skippedBatches > 0
      ? `${abort.skippedBatches} later serial batch${abort.skippedBatches === 1 ? '' : 'es'}`
      : '',
    laterPlays > 0 ? `${laterPlays} later play${laterPlays === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `play '${play}': ${abort.reason}: the play is aborted${skipped.length > 0 ? ` (not run: ${skipped.join(', ')})` : ''}`;
}
