import { InventoryError } from './inventory-error.js';
import type { InventoryData } from './inventory-data.js';
import type { VarsLayer } from './load-vars-dirs.js';
import { IMPLICIT_LOCALHOST, selectHosts } from './select-hosts.js';
import type { Inventory } from './types.js';

/**
 * The read side of a loaded inventory. Host variables merge like Ansible's (each step replaces
 * top-level keys of the one before):
 *   inline vars of "all" < inline vars of the host's other groups (by depth, priority, name)
 *   < group_vars/all < group_vars/GROUP (same order) < inline host vars < host_vars/HOST < setHostVar.
 */
export class InventoryModel implements Inventory {
  private readonly depth = new Map<string, number>();
  private readonly overrides = new Map<string, Record<string, unknown>>();
  private readonly varsCache = new Map<string, Record<string, unknown>>();
  private groupsCache: Record<string, string[]> | undefined;

  constructor(
    private readonly data: InventoryData,
    private readonly layers: VarsLayer[],
  ) {
    for (const name of data.groups.keys()) this.depthOf(name);
  }

  hostNames(): string[] {
    return [...this.data.hosts.keys()];
  }

  groupNames(): string[] {
    return [...this.data.groups.keys()];
  }

  hasHost(name: string): boolean {
    return this.data.hosts.has(name) || IMPLICIT_LOCALHOST.includes(name);
  }

  groupsOf(name: string): string[] {
    const host = this.data.hosts.get(name);
    if (!host) {
      if (IMPLICIT_LOCALHOST.includes(name)) return ['all'];
      throw this.unknownHost(name);
    }
    const found = new Set<string>();
    const stack = [...host.groups];
    while (stack.length > 0) {
      const group = stack.pop()!;
      if (found.has(group)) continue;
      found.add(group);
      stack.push(...this.data.groups.get(group)!.parents);
    }
    found.add('all');
    return this.sortGroups([...found]);
  }

  hostVars(name: string): Record<string, unknown> {
    let vars = this.varsCache.get(name);
    if (!vars) {
      vars = this.mergeHostVars(name);
      this.varsCache.set(name, vars);
    }
    return { ...vars };
  }

  ownHostVars(name: string): Record<string, unknown> {
    let vars: Record<string, unknown> = { ...this.data.hosts.get(name)?.vars };
    for (const layer of this.layers) vars = { ...vars, ...layer.hosts.get(name) };
    return { ...vars, ...this.overrides.get(name) };
  }

  groupsMap(): Record<string, string[]> {
    if (!this.groupsCache) {
      const map: Record<string, string[]> = {};
      for (const group of this.data.groups.keys()) map[group] = [];
      for (const host of this.data.hosts.keys()) for (const group of this.groupsOf(host)) map[group].push(host);
      this.groupsCache = map;
    }
    return Object.fromEntries(Object.entries(this.groupsCache).map(([group, hosts]) => [group, [...hosts]]));
  }

  groupVars(group: string): Record<string, unknown> {
    const record = this.data.groups.get(group);
    if (!record) return {};
    let vars = { ...record.vars };
    for (const layer of this.layers) vars = { ...vars, ...layer.groups.get(group) };
    return vars;
  }

  selectHosts(pattern: string): string[] {
    return selectHosts(
      {
        hostNames: () => this.hostNames(),
        groupNames: () => this.groupNames(),
        hostsOfGroup: (g) => this.hostsOfGroup(g),
      },
      pattern,
    );
  }

  setHostVar(name: string, key: string, value: unknown): void {
    if (!this.hasHost(name)) throw this.unknownHost(name);
    const vars = this.overrides.get(name) ?? {};
    vars[key] = value;
    this.overrides.set(name, vars);
    this.varsCache.delete(name);
  }

  childGroups(group: string): string[] {
    return [...(this.data.groups.get(group)?.children ?? [])];
  }

  directHosts(group: string): string[] {
    return [...(this.data.groups.get(group)?.hosts ?? [])];
  }

  warnings(): string[] {
    return [...this.data.warnings];
  }

  private hostsOfGroup(group: string): string[] {
    if (!this.groupsCache) this.groupsMap();
    return this.groupsCache![group] ?? [];
  }

  private mergeHostVars(name: string): Record<string, unknown> {
    const host = this.data.hosts.get(name);
    const groups = this.groupsOf(name).filter((g) => g !== 'all');
    const vars: Record<string, unknown> = { ...this.data.groups.get('all')!.vars };
    for (const group of groups) Object.assign(vars, this.data.groups.get(group)!.vars);
    for (const layer of this.layers) Object.assign(vars, layer.groups.get('all'));
    for (const layer of this.layers) for (const group of groups) Object.assign(vars, layer.groups.get(group));
    // The implicit localhost runs on the controller itself, as in Ansible.
    if (!host) vars.ansible_connection = 'local';
    return { ...vars, ...this.ownHostVars(name) };
  }

  /** Ansible's sort_groups: by depth below "all", then ansible_group_priority, then name. */
  private sortGroups(names: string[]): string[] {
    return names.sort((a, b) => {
      const byDepth = this.depthOf(a) - this.depthOf(b);
      if (byDepth !== 0) return byDepth;
      const byPriority = this.data.groups.get(a)!.priority - this.data.groups.get(b)!.priority;
      if (byPriority !== 0) return byPriority;
      return a < b ? -1 : a > b ? 1 : 0;
    });
  }

  /** Longest path from "all": a group is one deeper than its deepest parent. */
  private depthOf(name: string): number {
    const known = this.depth.get(name);
    if (known !== undefined) return known;
    const parents = this.data.groups.get(name)?.parents ?? [];
    const value = name === 'all' ? 0 : Math.max(0, ...parents.map((p) => this.depthOf(p) + 1));
    this.depth.set(name, value);
    return value;
  }

  private unknownHost(name: string): InventoryError {
    return new InventoryError(`no host named "${name}" in the inventory`, {
      hint: 'check the name against `drover inventory -i INVENTORY --graph`',
    });
  }
}
