import type { Inventory } from './types.js';

/**
 * Like `ansible-inventory --list`: `_meta.hostvars` with each host's merged variables, and one
 * entry per group with its direct hosts and child groups (empty parts left out). With export, as
 * with `--export`: each group's own variables, and each host's own instead of the merged ones.
 */
export function renderInventoryList(inv: Inventory, options: { export?: boolean } = {}): object {
  const out: Record<string, unknown> = {};
  const hostvars: Record<string, unknown> = {};
  for (const host of inv.hostNames()) {
    const vars = options.export ? inv.ownHostVars(host) : inv.hostVars(host);
    if (Object.keys(vars).length > 0) hostvars[host] = vars;
  }
  out._meta = { hostvars };
  for (const group of inv.groupNames()) {
    const entry: Record<string, unknown> = {};
    const hosts = group === 'all' ? [] : inv.directHosts(group);
    const children = inv.childGroups(group);
    const vars = options.export ? inv.groupVars(group) : {};
    if (hosts.length > 0) entry.hosts = hosts;
    if (children.length > 0) entry.children = children;
    if (Object.keys(vars).length > 0) entry.vars = vars;
    if (Object.keys(entry).length > 0) out[group] = entry;
  }
  return out;
}

/** Like `ansible-inventory --graph`: the group tree from "all", hosts under their groups. */
export function renderInventoryGraph(inv: Inventory): string {
  const lines: string[] = [];
  const walk = (group: string, depth: number) => {
    lines.push(indent(`@${group}:`, depth));
    for (const child of inv.childGroups(group)) walk(child, depth + 1);
    if (group !== 'all') for (const host of inv.directHosts(group)) lines.push(indent(host, depth + 1));
  };
  walk('all', 0);
  return `${lines.join('\n')}\n`;
}

function indent(name: string, depth: number): string {
  return depth === 0 ? name : `${'  |'.repeat(depth)}--${name}`;
}

/** Like `ansible-inventory --host NAME`: the host's merged inventory variables. */
export function renderInventoryHost(inv: Inventory, host: string): object {
  return inv.hostVars(host);
}
