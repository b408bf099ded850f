import { stripCollectionPrefix } from './collections.js';
import type { Place } from './places.js';
import * as type from './types.js';
import type { KeywordType } from './types.js';

/** One keyword: its type, where it may be written, and what it does (one line, for the reference). */
export interface KeywordDeclaration<T = unknown, P extends readonly Place[] = readonly Place[]> {
  on: P;
  type: KeywordType<T>;
  doc: string;
  /** How to fix a wrong value, when the type's own hint does not fit this keyword. */
  hint?: string;
  /** Why it is not allowed at a place where Ansible users may write it, and what to do instead. */
  elsewhere?: Partial<Record<Place, string>>;
  /** An action key, which may be written with a collection prefix (ansible.builtin.import_role). */
  action?: true;
}

function keyword<T, const P extends readonly Place[]>(declaration: KeywordDeclaration<T, P>) {
  return declaration;
}

const ANYWHERE = ['play', 'block', 'task', 'include', 'import_role', 'role'] as const;
const LOOPS = ['task', 'include'] as const;
const STATIC_LOOP = 'import_role is static and cannot loop; loop inside the role instead';

/** Every playbook keyword drover reads, once. The loaders, `drover schema` and the reference use this table. */
export const KEYWORDS = {
  // What a play is made of.
  name: keyword({
    on: ANYWHERE,
    type: type.text,
    doc: 'What the play, block or task does, shown in the output; on a role entry, the role (as `role`).',
  }),
  hosts: keyword({
    on: ['play'],
    type: type.hostPattern,
    doc: 'The host pattern the play runs on; may be a template.',
  }),
  import_playbook: keyword({
    on: ['play'],
    type: type.fileName,
    action: true,
    doc: "Stands in place of a play: the plays of this file, relative to this playbook's directory.",
  }),
  vars_files: keyword({
    on: ['play'],
    type: type.fileList,
    doc: 'Files of variables, relative to the playbook, above the play `vars`.',
  }),
  roles: keyword({
    on: ['play'],
    type: type.roleList,
    doc: 'Roles to run before `tasks`: a name, or a map with `role` and keywords; other keys are role parameters.',
  }),
  pre_tasks: keyword({ on: ['play'], type: type.taskList, doc: 'Tasks before the roles; handlers run after them.' }),
  tasks: keyword({ on: ['play'], type: type.taskList, doc: 'Tasks after the roles.' }),
  post_tasks: keyword({
    on: ['play'],
    type: type.taskList,
    doc: 'Tasks after `tasks`, once the handlers notified so far have run.',
  }),
  handlers: keyword({
    on: ['play'],
    type: type.taskList,
    doc: 'Tasks that run only when notified, at the end of each section.',
  }),
  gather_facts: keyword({ on: ['play'], type: type.flag, doc: 'Collect facts first (default true).' }),
  serial: keyword({
    on: ['play'],
    type: type.serial,
    doc: 'Run the play on this many hosts (or percent) at a time; in a list, the last one repeats.',
  }),
  strategy: keyword({
    on: ['play'],
    type: type.strategy,
    doc: '`linear` (default): all hosts finish a task before the next; `free`: each host on its own.',
  }),
  any_errors_fatal: keyword({ on: ['play'], type: type.flag, doc: 'A failed or unreachable host stops the run.' }),
  max_fail_percentage: keyword({
    on: ['play'],
    type: type.percentage,
    doc: 'Stop the run when more than this percentage of a serial batch has failed.',
  }),
  force_handlers: keyword({ on: ['play'], type: type.flag, doc: 'Run notified handlers even on hosts that failed.' }),

  // A task's own content.
  block: keyword({ on: ['block'], type: type.taskList, doc: 'The tasks of a block.' }),
  rescue: keyword({ on: ['block'], type: type.taskList, doc: 'Tasks run on the hosts that failed in `block`.' }),
  always: keyword({
    on: ['block'],
    type: type.taskList,
    doc: 'Tasks run after `block` and `rescue`, whatever happened.',
  }),
  include_tasks: keyword({
    on: ['include'],
    type: type.includedFile,
    action: true,
    doc: 'Run a tasks file when the task is reached (dynamic: it may loop or use a templated name).',
  }),
  import_tasks: keyword({
    on: ['include'],
    type: type.includedFile,
    action: true,
    doc: "Put a tasks file's tasks here when the playbook is loaded (static).",
  }),
  import_role: keyword({
    on: ['import_role'],
    type: type.importedRole,
    action: true,
    doc: "Put a role's tasks here (or its `tasks_from` file) when the playbook is loaded, with its defaults, vars and handlers.",
  }),
  role: keyword({ on: ['role'], type: type.text, doc: 'The role of a role entry.' }),

  // Keywords that apply to what is below them.
  when: keyword({
    on: ['block', 'task', 'include', 'import_role', 'role'],
    type: type.condition,
    doc: 'Run only when this condition (or every one of a list) is true.',
  }),
  tags: keyword({
    on: ANYWHERE,
    type: type.tagList,
    doc: 'Tags for `--tags` and `--skip-tags`; text is split at commas (`tags: web, db` is two tags).',
  }),
  become: keyword({ on: ANYWHERE, type: type.flag, doc: 'Run as another user (see `become_user`).' }),
  become_user: keyword({
    on: ANYWHERE,
    type: type.text,
    hint: 'e.g. become_user: postgres',
    doc: 'The user to become (default root).',
  }),
  vars: keyword({
    on: ANYWHERE,
    type: type.map,
    doc: 'Variables for what is below; on a role entry and on import_role, role parameters.',
  }),
  ignore_errors: keyword({
    on: ['block', 'task', 'include'],
    type: type.flag,
    doc: 'A failure does not stop the host; it is counted as ignored.',
  }),
  no_log: keyword({
    on: ['block', 'task', 'include'],
    type: type.flag,
    doc: 'Hide the arguments and the result in every output and report.',
  }),

  // A task that runs a module.
  args: keyword({
    on: ['task'],
    type: type.moduleArgs,
    doc: "The module's parameters, below those written with the module.",
  }),
  loop: keyword({
    on: ['task', 'include'],
    type: type.loop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Run once per item of this list; the item is `{{ item }}`.',
  }),
  with_items: keyword({
    on: LOOPS,
    type: type.loop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over a list flattened one level: a list in it, a templated one too, gives its items.',
  }),
  with_list: keyword({
    on: LOOPS,
    type: type.loop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over a list as it is, as `loop` does.',
  }),
  with_dict: keyword({
    on: LOOPS,
    type: type.dictLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over a map, in its order: each item is `{ key, value }` (`item.key`, `item.value`).',
  }),
  with_sequence: keyword({
    on: LOOPS,
    type: type.sequenceLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over numbers, as text: `start=1 end=5` (or `count=5`), with `stride=` and `format=%02d`, or `[start-]end[/stride][:format]` (`1-5`).',
  }),
  with_fileglob: keyword({
    on: LOOPS,
    type: type.patternLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: "Loop over the controller's files matching a pattern (looked for in files/, as a copy `src` is), sorted; each item is an absolute path.",
  }),
  with_nested: keyword({
    on: LOOPS,
    type: type.listsLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over every combination of the lists, the first one outermost: `item.0` from the first, `item.1` from the second, ...',
  }),
  with_cartesian: keyword({
    on: LOOPS,
    type: type.listsLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'The same as `with_nested` (community.general.cartesian).',
  }),
  with_together: keyword({
    on: LOOPS,
    type: type.listsLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over the lists side by side: `item.0` from the first, `item.1` from the second; a shorter list gives `None`.',
  }),
  with_subelements: keyword({
    on: LOOPS,
    type: type.subelementsLoop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: '`[LIST, KEY]`: each element of LIST with each item of its KEY list (`item.0` is the element without KEY, `item.1` the item); `KEY` may be a path (`a.b`); a third item `{ skip_missing: true }` skips elements without it.',
  }),
  with_indexed_items: keyword({
    on: LOOPS,
    type: type.loop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Loop over a list flattened one level, each item `[index, value]` (`item.0`, `item.1`).',
  }),
  with_random_choice: keyword({
    on: LOOPS,
    type: type.loop,
    elsewhere: { import_role: STATIC_LOOP },
    doc: 'Run once, with one item of the list picked at random.',
  }),
  loop_control: keyword({
    on: ['task', 'include'],
    type: type.loopControl,
    doc: "The loop variable's name (`loop_var`), the item's `label` in the output, and `index_var`, for `loop` and every `with_*`.",
  }),
  register: keyword({ on: ['task'], type: type.variableName, doc: "Keep the task's result in this variable." }),
  notify: keyword({
    on: ['task'],
    type: type.nameList,
    doc: 'Handlers (by name or `listen` topic) to run if the task changed something.',
  }),
  listen: keyword({
    on: ['task'],
    type: type.nameList,
    doc: 'Handlers only: topics this handler also answers to.',
  }),
  changed_when: keyword({ on: ['task'], type: type.condition, doc: 'Report a change only when this holds.' }),
  failed_when: keyword({ on: ['task'], type: type.condition, doc: 'Fail only when this holds.' }),
  until: keyword({
    on: ['task'],
    type: type.condition,
    doc: 'Attempt the task again until this holds (`retries` times, `delay` seconds apart).',
  }),
  retries: keyword({
    on: ['task'],
    type: type.count,
    hint: 'e.g. retries: 3 (attempts after the first)',
    doc: 'How many times to attempt again (default 3 with `until`).',
  }),
  delay: keyword({
    on: ['task'],
    type: type.count,
    hint: 'e.g. delay: 5 (seconds between attempts)',
    doc: 'Seconds between attempts (default 5).',
  }),
  check_mode: keyword({
    on: ['task'],
    type: type.flag,
    doc: '`false`: the task runs even in check mode (for read-only commands later tasks need).',
  }),
};

export type KeywordName = keyof typeof KEYWORDS;

/** The `with_<lookup>` loops, by keyword. */
export const WITH_LOOPS = (Object.keys(KEYWORDS) as KeywordName[]).filter((name) => name.startsWith('with_'));

type Declared = typeof KEYWORDS;
type ValueOf<D> = D extends { type: KeywordType<infer T> } ? T : never;

/** The keywords of a place, with the values their types give. */
export type KeywordValues<P extends Place> = {
  [K in KeywordName as P extends Declared[K]['on'][number] ? K : never]?: ValueOf<Declared[K]>;
};

/** The keywords that may be written at a place, in the table's order. */
export function keywordsOn(place: Place): KeywordName[] {
  return (Object.keys(KEYWORDS) as KeywordName[]).filter((name) =>
    (KEYWORDS[name].on as readonly Place[]).includes(place),
  );
}

/** A keyword by the key written, for an action key with or without its collection prefix. */
export function findKeyword(key: string): KeywordName | undefined {
  if (Object.hasOwn(KEYWORDS, key)) return key as KeywordName;
  const bare = stripCollectionPrefix(key);
  return bare !== key && Object.hasOwn(KEYWORDS, bare) && 'action' in KEYWORDS[bare as KeywordName]
    ? (bare as KeywordName)
    : undefined;
}
