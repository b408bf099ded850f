import { InventoryError, type InventoryErrorDetails } from './inventory-error.js';

/** Where a declaration was written, for error messages. */
export type Origin = Pick<InventoryErrorDetails, 'file' | 'line' | 'column' | 'text'>;

export interface GroupRecord {
  name: string;
  /** Variables written in the inventory source itself (not group_vars/). */
  vars: Record<string, unknown>;
  children: string[];
  parents: string[];
  /** Hosts declared directly in this group, in declaration order. */
  hosts: string[];
  /** ansible_group_priority: orders groups of the same depth when their vars merge. */
  priority: number;
}

export interface HostRecord {
  name: string;
  vars: Record<string, unknown>;
  /** Groups the host was declared in directly. */
  groups: string[];
}

/**
 * The group/host graph as the parsers build it, with Ansible's rules: a host or group declared
 * twice is the same one, variables set twice on the same group or host replace each other (maps
 * are merged), and a group may not end up inside itself.
 */
export class InventoryData {
  readonly groups = new Map<string, GroupRecord>();
  readonly hosts = new Map<string, HostRecord>();
  readonly warnings: string[] = [];

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): GroupRecord {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, vars: {}, children: [], parents: [], hosts: [], priority: 1 };
      this.groups.set(name, group);
    }
    return group;
  }

  addHost(name: string, groupName: string, port?: number): HostRecord {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: {}, groups: [] };
      this.hosts.set(name, host);
    }
    const group = this.addGroup(groupName);
    if (!group.hosts.includes(name)) group.hosts.push(name);
    if (!host.groups.includes(groupName)) host.groups.push(groupName);
    if (port !== undefined) host.vars.ansible_port = port;
    return host;
  }

  addChild(parentName: string, childName: string, origin: Origin = {}): void {
    if (childName === 'all') {
      throw new InventoryError(
        `group "all" cannot be a child of "${parentName}": every group is already inside "all"`,
        {
          ...origin,
          hint: `remove "all" from the children of "${parentName}"`,
        },
      );
    }
    const parent = this.addGroup(parentName);
    const child = this.addGroup(childName);
    if (parent.children.includes(childName)) return;
    if (childName === parentName || this.isDescendant(parentName, childName)) {
      throw new InventoryError(
        `adding group "${childName}" as a child of "${parentName}" makes a loop: "${parentName}" is already inside "${childName}"`,
        {
          ...origin,
          hint: 'a group may not contain itself, directly or through its children; remove one of the two children entries',
        },
      );
    }
    parent.children.push(childName);
    child.parents.push(parentName);
  }

  /** Is `name` below `ancestor` in the group tree? */
  isDescendant(name: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const stack = [...(this.groups.get(ancestor)?.children ?? [])];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (current === name) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      stack.push(...(this.groups.get(current)?.children ?? []));
    }
    return false;
  }

  setGroupVar(groupName: string, key: string, value: unknown, origin: Origin = {}): void {
    const group = this.addGroup(groupName);
    if (key === 'ansible_group_priority') {
      const priority = Number(value);
      if (!Number.isInteger(priority)) {
        throw new InventoryError(
          `ansible_group_priority of group "${groupName}" must be a whole number, got ${JSON.stringify(value)}`,
          {
            ...origin,
            hint: 'write a number such as ansible_group_priority: 10 (higher wins among groups of the same depth)',
          },
        );
      }
      group.priority = priority;
      return;
    }
    assignVar(group.vars, key, value);
  }

  setHostVar(hostName: string, key: string, value: unknown): void {
    const host = this.hosts.get(hostName);
    if (!host) throw new InventoryError(`no host named "${hostName}" in the inventory`);
    assignVar(host.vars, key, value);
  }

  /** Ansible's reconcile step: top-level groups go under "all"; hosts in no other group are "ungrouped". */
  reconcile(): void {
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && group.parents.length === 0) this.addChild('all', group.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const host of this.hosts.values()) {
      const others = host.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
      if (others.length > 0) {
        if (host.groups.includes('ungrouped')) {
          host.groups = host.groups.filter((g) => g !== 'ungrouped');
          ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host.name);
        }
      } else if (!host.groups.includes('ungrouped')) {
        host.groups.push('ungrouped');
        ungrouped.hosts.push(host.name);
      }
    }
  }
}

/** A map set again on the same group or host merges into the first one, as Ansible does. */
function assignVar(vars: Record<string, unknown>, key: string, value: unknown): void {
  const current = vars[key];
  vars[key] = isPlainMap(current) && isPlainMap(value) ? mergeDeep(current, value) : value;
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] = isPlainMap(current) && isPlainMap(value) ? mergeDeep(current, value) : value;
  }
  return out;
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
