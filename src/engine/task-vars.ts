import type { Inventory } from '../inventory/index.js';
import type { Play, TaskCommon } from '../tree/types.js';
import { INERT_NAMES, withInertNames } from '../template/inert.js';
import type { HostState } from './host-state.js';

/** What a run shares across hosts when variables are built. */
export interface VarsContext {
  inventory: Inventory;
  hosts: Map<string, HostState>;
  extraVars: Record<string, unknown>;
  playbookDir: string;
  check: boolean;
  groups: Record<string, string[]>;
}

/**
 * The variables a task sees on a host, lowest precedence first:
 * role defaults < inventory (group vars, then host vars) < facts < play vars < vars_files
 * < role vars < role params < block and task vars < registered and set_fact < extra vars (-e).
 */
export function buildTaskVars(
  ctx: VarsContext,
  host: HostState,
  play: Play,
  playHosts: string[],
  task: Pick<TaskCommon, 'role' | 'vars'>,
): Record<string, unknown> {
  const role = task.role;
  const facts = host.facts ?? {};
  const layers: Array<{ vars: Record<string, unknown>; inert: boolean | ReadonlySet<string> }> = [
    { vars: role?.defaults ?? {}, inert: false },
    { vars: host.inventoryVars, inert: false },
    { vars: { ...facts, ansible_facts: facts }, inert: true },
    { vars: play.vars, inert: false },
    { vars: play.varsFilesVars, inert: false },
    { vars: role?.vars ?? {}, inert: false },
    { vars: role?.params ?? {}, inert: false },
    { vars: task.vars, inert: inertNamesOf(task.vars) },
    { vars: host.registered, inert: true },
    { vars: ctx.extraVars, inert: false },
  ];
  return withInertNames(
    {
      ...Object.assign({}, ...layers.map((layer) => layer.vars)),
      inventory_hostname: host.name,
      inventory_hostname_short: host.name.split('.')[0],
      groups: ctx.groups,
      group_names: ctx.inventory.groupsOf(host.name).filter((g) => g !== 'all'),
      hostvars: hostvarsProxy(ctx),
      play_hosts: playHosts,
      ansible_play_hosts: playHosts,
      ansible_play_batch: playHosts,
      ansible_check_mode: ctx.check,
      playbook_dir: ctx.playbookDir,
      ...(role ? { role_name: role.name, role_path: role.path } : {}),
    },
    inertWinners(layers),
  );
}

function inertNamesOf(vars: Record<string, unknown>): ReadonlySet<string> {
  return ((vars as Record<symbol, unknown>)[INERT_NAMES] as Set<string> | undefined) ?? new Set();
}

/** The names whose winning layer holds data read from hosts (facts, registered, set_fact, loop items). */
function inertWinners(
  layers: Array<{ vars: Record<string, unknown>; inert: boolean | ReadonlySet<string> }>,
): string[] {
  const winner = new Map<string, boolean>();
  for (const { vars, inert } of layers) {
    for (const name of Object.keys(vars)) winner.set(name, inert === true || (inert !== false && inert.has(name)));
  }
  return [...winner].filter(([, inert]) => inert).map(([name]) => name);
}

/**
 * `hostvars` as Ansible offers it (hostvars.db1.ansible_host), computed on access so that a play on
 * hundreds of hosts does not copy every host's variables into every task.
 */
function hostvarsProxy(ctx: VarsContext): Record<string, unknown> {
  const cache = new Map<string, Record<string, unknown>>();
  const read = (name: string) => {
    let vars = cache.get(name);
    if (!vars) {
      const state = ctx.hosts.get(name);
      const hostData = { ...(state?.facts ?? {}), ...(state?.registered ?? {}), ansible_facts: state?.facts ?? {} };
      vars = withInertNames(
        { ...ctx.inventory.hostVars(name), ...hostData, inventory_hostname: name },
        Object.keys(hostData),
      );
      cache.set(name, vars);
    }
    return vars;
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_target, key) => (typeof key === 'string' && ctx.inventory.hasHost(key) ? read(key) : undefined),
    has: (_target, key) => typeof key === 'string' && ctx.inventory.hasHost(key),
    ownKeys: () => ctx.inventory.hostNames(),
    getOwnPropertyDescriptor: (_target, key) =>
      typeof key === 'string' && ctx.inventory.hasHost(key)
        ? { enumerable: true, configurable: true, value: read(key) }
        : undefined,
  });
}
