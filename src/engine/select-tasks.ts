import { globToRegExp } from '../inventory/select-hosts.js';

export interface TaskSelection {
  tags: string[];
  skipTags: string[];
}

/** Whether a task's tags let it run under --tags / --skip-tags, with Ansible's always/never. */
export function isTaskSelected(taskTags: readonly string[], selection: TaskSelection): boolean {
  const tags = new Set(taskTags);
  if (selection.skipTags.some((tag) => tags.has(tag) || (tag === 'all' && !tags.has('always')))) return false;
  const wanted = selection.tags.length === 0 ? ['all'] : selection.tags;
  if (tags.has('always')) return true;
  if (tags.has('never')) return wanted.some((tag) => tags.has(tag) && tag !== 'never') || wanted.includes('never');
  if (wanted.includes('all')) return true;
  if (wanted.includes('tagged') && tags.size > 0) return true;
  if (wanted.includes('untagged') && tags.size === 0) return true;
  return wanted.some((tag) => tags.has(tag));
}

/** --start-at-task matches a task name exactly or as a glob. */
export function matchesTaskName(name: string | undefined, pattern: string): boolean {
  if (!name) return false;
  return name === pattern || globToRegExp(pattern).test(name);
}
