const REWRITE = 'remove it, or rewrite the task without it (see docs/playbook-keywords.md)';

/**
 * Ansible keywords drover knows of but does not implement: named clearly instead of "unknown".
 * Each maps to how to do without it.
 */
export const UNSUPPORTED_KEYWORDS: ReadonlyMap<string, string> = new Map([
  ...[
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
    'include',
    'include_vars',
    'vars_prompt',
    'ignore_unreachable',
  ].map((key): [string, string] => [key, REWRITE]),
  ['include_role', 'use import_role (static) with the same name and tasks_from; it cannot loop'],
]);
