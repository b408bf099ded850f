/** Ansible collection prefixes accepted in front of module names (ansible.builtin.copy). */
export const COLLECTION_PREFIXES = [
  'ansible.builtin.',
  'ansible.legacy.',
  'ansible.posix.',
  'community.general.',
] as const;

export function stripCollectionPrefix(key: string): string {
  const prefix = COLLECTION_PREFIXES.find((p) => key.startsWith(p));
  return prefix ? key.slice(prefix.length) : key;
}
