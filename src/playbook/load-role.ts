import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceLocation } from '../tree/source-location.js';
import type { YamlFile } from './source.js';
import { readYamlReporting, type Inherited, type LoadContext } from './load-context.js';
import { readConditions, readStringList } from './read-keywords.js';
import type { RoleScope, TaskNode, TaskTree } from '../tree/types.js';

type RawMap = Record<string, unknown>;

const ROLE_ENTRY_KEYS = ['role', 'name', 'vars', 'when', 'tags', 'become', 'become_user'];

/** Finds a role's directory: roles/NAME beside the playbook, at the project root, in the current directory, then in roles_path; or a path. */
export function findRoleDir(name: string, ctx: LoadContext): string | undefined {
  if (name.includes('/')) {
    for (const base of ctx.roleSearchDirs) {
      const candidate = resolve(base, name);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  }
  for (const base of ctx.roleSearchDirs) {
    const candidate = join(base, 'roles', name);
    if (existsSync(candidate)) return candidate;
  }
  for (const dir of ctx.rolesPath) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Loads a file of tasks (load-tasks.ts); passed in, since task files import roles in turn. */
export type LoadTasksFile = (file: string, inherited: Inherited, ctx: LoadContext, from?: SourceLocation) => TaskTree[];

export interface RoleLoadOptions {
  loadTasks: LoadTasksFile;
  /** A role listed twice with the same parameters runs once (a play's `roles:`); import_role always runs. */
  once?: boolean;
  /** The file of tasks/ to run instead of main.yml (import_role's tasks_from). */
  tasksFrom?: string;
  /** The written map that holds the entry's when/tags (import_role: the task), to locate them. */
  keywords?: RawMap;
  /** The task or entry, as problems name it. */
  label?: string;
}

/**
 * Loads one entry of a play's `roles:` list, or an import_role, (and its meta dependencies first)
 * into tasks, adding its handlers to the play once. A role listed twice in `roles:` with the same
 * parameters runs once, as in Ansible.
 */
export function loadRoleEntry(
  entry: unknown,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  from: SourceLocation,
  options: RoleLoadOptions,
): TaskTree[] {
  const spec = typeof entry === 'string' ? { role: entry } : (entry as RawMap | null);
  const name = spec && typeof spec === 'object' ? (spec.role ?? spec.name) : undefined;
  if (typeof name !== 'string') {
    ctx.problems.push({
      message: 'a role entry needs a name',
      location: from,
      hint: `write "- rolename" or "- role: rolename"`,
    });
    return [];
  }
  const params: RawMap = {};
  for (const [key, value] of Object.entries(spec!)) {
    if (key === 'vars' && value && typeof value === 'object') Object.assign(params, value);
    else if (!ROLE_ENTRY_KEYS.includes(key)) params[key] = value;
  }
  const dir = findRoleDir(name, ctx);
  if (!dir) {
    ctx.problems.push({
      message: `role '${name}' not found`,
      location: from,
      hint: `create roles/${name}/tasks/main.yml beside the playbook or at the project root (searched: ${[...ctx.roleSearchDirs.map((d) => join(d, 'roles')), ...ctx.rolesPath].join(', ')})`,
    });
    return [];
  }
  // Before the run-once check: a role that (through its dependencies) needs itself is a loop,
  // even though the second time it would otherwise be skipped as already listed.
  const loopStart = ctx.roleStack.findIndex((entry) => entry === dir);
  if (loopStart !== -1) {
    const names = [...ctx.roleStackNames.slice(loopStart), name];
    ctx.problems.push({
      message: `role dependency loop: ${names.join(' -> ')}`,
      location: from,
      task: options.label ?? `role ${ctx.roleStackNames.at(-1)}`,
      field: options.keywords ? 'import_role' : 'dependencies',
      hint:
        names.length === 2
          ? `a role cannot depend on itself: remove '${name}' from its own dependencies`
          : `remove one of the dependencies of the loop (a role cannot need itself, even through others)`,
    });
    return [];
  }
  const seenKey = `${name}\u0000${JSON.stringify(params)}`;
  if (options.once) {
    if (ctx.rolesSeen.has(seenKey)) return [];
    ctx.rolesSeen.add(seenKey);
  }
  const keywords = options.keywords ?? spec!;
  const entryLabel = options.label ?? `role ${name}`;
  const entryWhen = readConditions(keywords, 'when', source, ctx, entryLabel) ?? [];
  const entryTags = readStringList(keywords.tags, 'tags', keywords, source, ctx, entryLabel);
  ctx.roleStack.push(dir);
  ctx.roleStackNames.push(name);
  try {
    const role: RoleScope = {
      name,
      path: dir,
      defaults: readVarsFile(join(dir, 'defaults'), ctx),
      vars: readVarsFile(join(dir, 'vars'), ctx),
      params,
    };
    const roleInherited: Inherited = {
      ...inherited,
      when: [...inherited.when, ...entryWhen],
      tags: [...inherited.tags, ...entryTags],
      become: typeof spec!.become === 'boolean' ? spec!.become : inherited.become,
      becomeUser: typeof spec!.become_user === 'string' ? spec!.become_user : inherited.becomeUser,
      role,
      baseDir: join(dir, 'tasks'),
    };
    const out: TaskTree[] = [];
    for (const dependency of readDependencies(dir, ctx)) {
      out.push(
        ...loadRoleEntry(
          dependency.entry,
          dependency.source,
          { ...inherited, when: roleInherited.when, tags: roleInherited.tags },
          ctx,
          dependency.location,
          { once: true, loadTasks: options.loadTasks },
        ),
      );
    }
    const tasksFile =
      options.tasksFrom === undefined
        ? findMain(join(dir, 'tasks'))
        : findTasksFrom(join(dir, 'tasks'), options.tasksFrom);
    if (options.tasksFrom !== undefined && !tasksFile) {
      ctx.problems.push({
        message: `role '${name}' has no tasks file '${options.tasksFrom}'`,
        location: from,
        hint: `create ${join(dir, 'tasks', `${options.tasksFrom}.yml`)}, or fix tasks_from`,
      });
    }
    if (tasksFile) out.push(...options.loadTasks(tasksFile, roleInherited, ctx, from));
    const handlersFile = findMain(join(dir, 'handlers'));
    // A role's handlers join the play once, however many times the role runs.
    if (handlersFile && !ctx.rolesWithHandlers.has(dir)) {
      ctx.rolesWithHandlers.add(dir);
      const handlers = options.loadTasks(handlersFile, { ...roleInherited, when: [], tags: [] }, ctx, from);
      ctx.roleHandlers.push(...handlers.filter((h): h is TaskNode => h.kind === 'task'));
    }
    return out;
  } finally {
    ctx.roleStack.pop();
    ctx.roleStackNames.pop();
  }
}

/** tasks_from: NAME, NAME.yml or NAME.yaml in the role's tasks/ directory. */
function findTasksFrom(dir: string, name: string): string | undefined {
  return [name, `${name}.yml`, `${name}.yaml`].map((f) => join(dir, f)).find((f) => existsSync(f));
}

function findMain(dir: string): string | undefined {
  return ['main.yml', 'main.yaml', 'main'].map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Reads defaults/main.yml or vars/main.yml of a role (a missing file is an empty map). */
export function readVarsFile(dir: string, ctx: LoadContext): RawMap {
  const file = findMain(dir);
  if (!file) return {};
  const source = readYamlReporting(file, ctx);
  if (!source || source.value === null) return {};
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    ctx.problems.push({
      message: 'a vars file must be a map of variable names to values',
      location: source.locate(source.value),
    });
    return {};
  }
  return source.value as RawMap;
}

function readDependencies(
  dir: string,
  ctx: LoadContext,
): Array<{ entry: unknown; source: YamlFile; location: SourceLocation }> {
  const file = findMain(join(dir, 'meta'));
  if (!file) return [];
  const source = readYamlReporting(file, ctx);
  if (!source) return [];
  const meta = source.value as RawMap | null;
  const deps = meta && typeof meta === 'object' && !Array.isArray(meta) ? meta.dependencies : undefined;
  if (deps === undefined || deps === null) return [];
  if (!Array.isArray(deps)) {
    ctx.problems.push({
      message: 'dependencies must be a list of roles',
      location: source.locate(meta, 'dependencies'),
      field: 'dependencies',
      hint: 'write each role as a list item: "dependencies:\n  - common\n  - role: nginx"',
    });
    return [];
  }
  return deps.map((entry, index) => ({ entry, source, location: source.locate(deps, index) }));
}
