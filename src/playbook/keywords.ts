/** Task keywords drover understands (everything else on a task must be its one module). */
export const TASK_KEYWORDS = [
  'name',
  'when',
  'loop',
  'with_items',
  'with_list',
  'loop_control',
  'register',
  'notify',
  'tags',
  'become',
  'become_user',
  'ignore_errors',
  'changed_when',
  'failed_when',
  'no_log',
  'retries',
  'until',
  'delay',
  'vars',
  'args',
  'listen',
  'check_mode',
] as const;

export const BLOCK_KEYWORDS = [
  'name',
  'block',
  'rescue',
  'always',
  'when',
  'tags',
  'become',
  'become_user',
  'ignore_errors',
  'no_log',
  'vars',
] as const;

export const INCLUDE_KEYWORDS = ['include_tasks', 'import_tasks'] as const;

/** What an import_role task may carry besides the import_role key itself. */
export const IMPORT_ROLE_KEYWORDS = ['name', 'when', 'tags', 'vars', 'become', 'become_user'] as const;

export const PLAY_KEYWORDS = [
  'name',
  'hosts',
  'vars',
  'vars_files',
  'roles',
  'pre_tasks',
  'tasks',
  'post_tasks',
  'handlers',
  'become',
  'become_user',
  'gather_facts',
  'serial',
  'strategy',
  'any_errors_fatal',
  'max_fail_percentage',
  'tags',
  'force_handlers',
  'import_playbook',
] as const;

/** Ansible keywords drover knows of but does not implement: named clearly instead of "unknown". */
export const UNSUPPORTED_KEYWORDS = new Set([
  'delegate_to',
  'delegate_facts',
  'run_once',
  'local_action',
  'action',
  'environment',
  'async',
  'poll',
  'throttle',
  'connection',
  'remote_user',
  'diff',
  'debugger',
  'collections',
  'module_defaults',
  'order',
  'with_dict',
  'with_fileglob',
  'with_nested',
  'with_together',
  'with_sequence',
  'with_subelements',
  'include',
  'include_role',
  'include_vars',
  'vars_prompt',
  'ignore_unreachable',
]);

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
