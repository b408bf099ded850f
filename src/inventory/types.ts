/** The loaded inventory, as the engine and the CLI use it. */
export interface Inventory {
  /** Every declared host, in inventory order (the order hosts first appear in the sources). */
  hostNames(): string[];
  /** Every group, "all" and "ungrouped" first, then in declaration order. */
  groupNames(): string[];
  /** A declared host, or the implicit localhost (localhost, 127.0.0.1, ::1) that Ansible provides. */
  hasHost(name: string): boolean;
  /** The host's inventory variables merged with Ansible's precedence (no magic variables). */
  hostVars(name: string): Record<string, unknown>;
  /** The host's own variables (inline and host_vars/ files), without what its groups give it. */
  ownHostVars(name: string): Record<string, unknown>;
  /** Every group the host is in, ancestors and "all" included, in the order their vars apply. */
  groupsOf(name: string): string[];
  /** Ansible's `groups` variable: group name -> hosts in it or its descendants, in inventory order. */
  groupsMap(): Record<string, string[]>;
  /** A group's own variables (inline and group_vars/ files), without inheritance. */
  groupVars(group: string): Record<string, unknown>;
  /** Resolves a host pattern (`web*`, `a:&b`, `a:!b`, `~regex`, `group[0:2]`); [] when nothing matches. */
  selectHosts(pattern: string): string[];
  /** Sets a variable above every other inventory source (e.g. the --lab connection overrides). */
  setHostVar(name: string, key: string, value: unknown): void;
  /** Direct child groups of a group, in declaration order. */
  childGroups(group: string): string[];
  /** Hosts declared directly in a group (not through its children), in declaration order. */
  directHosts(group: string): string[];
  /** Non-fatal problems Ansible would also only warn about (unknown keys, group_vars files matching nothing). */
  warnings(): string[];
}
