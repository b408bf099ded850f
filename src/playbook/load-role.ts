import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceLocation } from '../tree/source-location.js';
import type { YamlFile } from './source.js';
import { readYamlReporting, type Inherited, type LoadContext } from './load-context.js';
import { readKeywords } from './keywords/read-keywords.js';
import type { RoleScope, TaskNode, TaskTree } from '../tree/types.js';

type RawMap = Record<string, unknown>;

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

/** A role where it is named (a play's `roles:`, a meta dependency, an import_role), with the keywords written there. */
export interface RoleEntry {
  name: string;
  /** Role parameters: the entry's `vars` and its keys that are no keyword. */
  params: RawMap;
  when: unknown[];
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  /** The entry, as problems name it. */
  label: string;
}

export interface RoleLoadOptions {
  loadTasks: LoadTasksFile;
  /** A role listed twice with the same parameters runs once (a play's `roles:`); import_role always runs. */
  once?: boolean;
  /** The file of tasks/ to run instead of main.yml (import_role's tasks_from). */
  tasksFrom?: string;
  /** The field that names the role, for a dependency loop found there (default: dependencies). */
  field?: string;
}

/** Reads one entry of a play's `roles:` list or of a role's dependencies: `- name` or a map of keywords and parameters. */
export function readRoleEntry(
  entry: unknown,
  source: YamlFile,
  ctx: LoadContext,
  from: SourceLocation,
): RoleEntry | undefined {
  if (typeof entry === 'string') return { name: entry, params: {}, when: [], tags: [], label: `role ${entry}` };
  const spec = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as RawMap) : undefined;
  const written = spec?.role ?? spec?.name;
  const label = typeof written === 'string' || typeof written === 'number' ? `role ${written}` : 'role entry';
  const read = spec ? readKeywords(spec, 'role', source, ctx, label, { keepOthers: true }) : undefined;
  const name = read?.values.role ?? read?.values.name;
  if (!spec || !read || name === undefined) {
    if (!read?.invalid.has('role') && !read?.invalid.has('name'))
      ctx.problems.push({
        message: 'a role entry needs a name',
        location: from,
        hint: `write "- rolename" or "- role: rolename"`,
      });
    return undefined;
  }
  const params: RawMap = {};
  for (const key of Object.keys(spec)) {
    if (key === 'vars') Object.assign(params, read.values.vars);
    else if (read.others.includes(key)) params[key] = spec[key];
  }
  return {
    name,
    params,
    when: read.values.when ?? [],
    tags: read.values.tags ?? [],
    become: read.values.become,
    becomeUser: read.values.become_user,
    label,
  };
}

/**
 * Loads a role as an entry names it (and its meta dependencies first) into tasks, adding its
 * handlers to the play once. A role listed twice in `roles:` with the same parameters runs once,
 * as in Ansible.
 */
export function loadRole(
  entry: RoleEntry,
  inherited: Inherited,
  ctx: LoadContext,
  from: SourceLocation,
  options: RoleLoadOptions,
): TaskTree[] {
  const { name, params } = entry;
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
      task: options.field ? entry.label : `role ${ctx.roleStackNames.at(-1)}`,
      field: options.field ?? 'dependencies',
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
      when: [...inherited.when, ...entry.when],
      tags: [...inherited.tags, ...entry.tags],
      become: entry.become ?? inherited.become,
      becomeUser: entry.becomeUser ?? inherited.becomeUser,
      role,
      baseDir: join(dir, 'tasks'),
    };
    const out: TaskTree[] = [];
    for (const dependency of readDependencies(dir, ctx)) {
      const depEntry = readRoleEntry(dependency.entry, dependency.source, ctx, dependency.location);
      if (!depEntry) continue;
      out.push(
        ...loadRole(
          depEntry,
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
