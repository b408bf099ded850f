import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { hasTemplate } from '../template/render.js';
import type { SourceLocation } from '../tree/source-location.js';
import type { YamlFile } from './source.js';
import { stripCollectionPrefix } from './keywords/collections.js';
import { findKeyword, keywordsOn } from './keywords/declarations.js';
import { readKeywords, reportMisplacedKey } from './keywords/read-keywords.js';
import { readYamlReporting, type Inherited, type LoadContext } from './load-context.js';
// load-role loads tasks files with this module: a cycle, fine for functions called at load time.
import { loadRole, type RoleEntry } from './load-role.js';
import { CONTROLLER_FILE_FIELDS, findLocalFile } from '../tree/local-files.js';
import { checkTaskTemplates, checkTemplateFile } from './check-template-syntax.js';
import { ArgumentSyntaxError, convertForSchema, parseFreeFormArgs, parseKeyValueArgs } from './parse-free-form.js';
import { readLoop } from './read-loop.js';
import { suggestName } from '../suggest.js';
import type { TaskNode, TaskTree } from '../tree/types.js';
import { argsFit, schemaShape, validateArgs } from '../modules/validate-args.js';

type RawMap = Record<string, unknown>;

/** The keywords every block, task and include may carry, which the tasks below them inherit. */
interface CommonKeywords {
  when?: unknown[];
  tags?: string[];
  become?: boolean;
  become_user?: string;
  ignore_errors?: boolean;
  no_log?: boolean;
  check_mode?: boolean;
  vars?: RawMap;
}

/** Loads a list of tasks (a tasks file, a section of a play, a block's children). */
export function loadTaskList(
  raw: unknown,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  what = 'tasks',
): TaskTree[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.push({
      message: `${what} must be a list of tasks`,
      location: source.locate(raw),
      hint: `write each task as a list item starting with '- '`,
    });
    return [];
  }
  const out: TaskTree[] = [];
  for (const [index, item] of raw.entries()) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      ctx.problems.push({
        message: 'a task must be a map of keywords and one module',
        location: source.locate(raw, index),
        hint: `e.g. "- name: install nginx\\n  apt: { name: nginx }"`,
      });
      continue;
    }
    out.push(...loadTask(item as RawMap, source, inherited, ctx));
  }
  return out;
}

/** Loads a tasks file from disk (import_tasks, include_tasks, a role's tasks/main.yml). */
export function loadTasksFile(file: string, inherited: Inherited, ctx: LoadContext, from?: SourceLocation): TaskTree[] {
  if (ctx.includeStack.includes(file)) {
    ctx.problems.push({
      message: `tasks file includes itself: ${[...ctx.includeStack, file].join(' -> ')}`,
      location: from ?? { file, line: 1, column: 1 },
    });
    return [];
  }
  const source = readYamlReporting(file, ctx);
  if (!source) return [];
  ctx.includeStack.push(file);
  try {
    return loadTaskList(source.value, source, { ...inherited, baseDir: dirname(file) }, ctx);
  } finally {
    ctx.includeStack.pop();
  }
}

function loadTask(raw: RawMap, source: YamlFile, inherited: Inherited, ctx: LoadContext): TaskTree[] {
  const location = source.locate(raw);
  const taskLabel = labelOf(raw);
  if ('block' in raw) return [loadBlock(raw, source, inherited, ctx, location, taskLabel)];
  const includeKeys = Object.keys(raw).filter((key) => {
    const keyword = findKeyword(key);
    return keyword === 'include_tasks' || keyword === 'import_tasks';
  });
  if (includeKeys.length > 0) return loadInclude(raw, includeKeys, source, inherited, ctx, location, taskLabel);
  if (Object.keys(raw).some((key) => findKeyword(key) === 'import_role'))
    return loadImportRole(raw, source, inherited, ctx, location, taskLabel);

  const { values: keywords, others: moduleKeys } = readKeywords(raw, 'task', source, ctx, taskLabel, {
    keepOthers: true,
  });
  const common = inheritCommon(keywords, inherited);
  const knownModules = [...ctx.modules.keys()];
  let moduleName: string | undefined;
  let moduleKey: string | undefined;
  for (const key of moduleKeys) {
    const normalized = stripCollectionPrefix(key);
    if (ctx.modules.has(normalized) && moduleName === undefined) {
      moduleName = normalized;
      moduleKey = key;
      continue;
    }
    if (ctx.modules.has(normalized)) {
      ctx.problems.push({
        message: `a task runs one module, but this one names both '${moduleName}' and '${normalized}'`,
        location: source.locate(raw, key),
        task: taskLabel,
        field: key,
        hint: 'split it into two tasks',
      });
    } else if (!reportMisplacedKey(key, 'task', raw, source, ctx, taskLabel)) {
      const best = suggestName(normalized, [...knownModules, ...keywordsOn('task')], (name) => {
        const candidate = ctx.modules.get(name);
        return candidate !== undefined && argsFit(candidate, raw[key]);
      });
      ctx.problems.push({
        message: `unknown module or keyword '${key}'`,
        location: source.locate(raw, key),
        task: taskLabel,
        field: key,
        hint: best ? `did you mean '${best}'?` : `see 'drover doc --list' and docs/playbook-keywords.md`,
      });
    }
  }
  if (!moduleName || !moduleKey) {
    if (moduleKeys.length === 0) {
      ctx.problems.push({
        message: 'this task names no module',
        location,
        task: taskLabel,
        hint: `add one module key, e.g. "command: echo hi" (see 'drover doc --list')`,
      });
    }
    return [];
  }
  const module = ctx.modules.get(moduleName)!;
  const args = normalizeArgs(
    raw[moduleKey],
    keywords.args,
    module,
    source,
    ctx,
    taskLabel,
    source.locate(raw, moduleKey),
  );
  if (args === undefined) return [];
  if (typeof args === 'object') {
    const { issues } = validateArgs(module, args, 'lenient');
    const argsNode = raw[moduleKey];
    for (const issue of issues) {
      const topField = issue.field.split('.')[0];
      const fieldLocation =
        argsNode && typeof argsNode === 'object' ? source.locate(argsNode, topField) : source.locate(raw, moduleKey);
      ctx.problems.push({
        message: issue.message,
        location: fieldLocation,
        task: taskLabel,
        field: `${moduleName}.${issue.field}`,
        hint: issue.hint,
      });
    }
  }
  const argLocations: Record<string, SourceLocation> = {};
  const argsNode = raw[moduleKey];
  if (keywords.args) for (const key of Object.keys(keywords.args)) argLocations[key] = source.locate(raw.args, key);
  if (argsNode && typeof argsNode === 'object')
    for (const key of Object.keys(argsNode)) argLocations[key] = source.locate(argsNode, key);
  if (typeof args === 'object' && ctx.playbookDir !== undefined)
    checkControllerFiles(
      moduleName,
      args,
      common,
      ctx,
      taskLabel,
      (field) => argLocations[field] ?? source.locate(raw, moduleKey),
    );

  checkTaskTemplates(raw, { key: moduleKey, name: moduleName }, source, ctx, taskLabel);
  const { loop, loopWith } = readLoop(raw, keywords, source, ctx, taskLabel, 'a task');
  const task: TaskNode = {
    ...common,
    kind: 'task',
    id: ctx.nextId(),
    name: keywords.name,
    location,
    module: moduleName,
    args,
    loop,
    ...(loopWith === undefined ? {} : { loopWith }),
    loopControl: keywords.loop_control ?? { loop_var: 'item' },
    register: keywords.register,
    notify: keywords.notify ?? [],
    changedWhen: keywords.changed_when,
    failedWhen: keywords.failed_when,
    retries: keywords.retries,
    delay: keywords.delay,
    until: keywords.until,
    listen: keywords.listen ?? [],
    argLocations,
  };
  if (task.until !== undefined && task.retries === undefined) task.retries = 3;
  return [task];
}

function loadBlock(
  raw: RawMap,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  location: SourceLocation,
  label: string,
): TaskTree {
  const { values: keywords } = readKeywords(raw, 'block', source, ctx, label);
  checkTaskTemplates(raw, undefined, source, ctx, label);
  const common = inheritCommon(keywords, inherited);
  const childInherited: Inherited = { ...common, baseDir: inherited.baseDir, role: inherited.role };
  return {
    ...common,
    kind: 'block',
    location,
    name: keywords.name,
    block: loadTaskList(keywords.block, source, childInherited, ctx, 'block'),
    rescue: loadTaskList(keywords.rescue, source, childInherited, ctx, 'rescue'),
    always: loadTaskList(keywords.always, source, childInherited, ctx, 'always'),
  };
}

function loadInclude(
  raw: RawMap,
  keys: string[],
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  location: SourceLocation,
  label: string,
): TaskTree[] {
  const [key, ...more] = keys;
  const { values: keywords, invalid } = readKeywords(raw, 'include', source, ctx, label, { title: key });
  for (const other of more) {
    ctx.problems.push({
      message: `a task includes one tasks file, but this one has both ${key} and ${other}`,
      location: source.locate(raw, other),
      task: label,
      field: other,
      hint: 'split it into two tasks',
    });
  }
  const action = stripCollectionPrefix(key) === 'include_tasks' ? 'include_tasks' : 'import_tasks';
  const file = keywords[action];
  if (file === undefined) {
    if (!invalid.has(action))
      ctx.problems.push({
        message: `${key} needs a file name`,
        location: source.locate(raw, key),
        task: label,
        field: key,
        hint: `e.g. "${key}: setup.yml"`,
      });
    return [];
  }
  const common = inheritCommon(keywords, inherited);
  const { loop, loopWith, keys: loopKeys } = readLoop(raw, keywords, source, ctx, label, key);
  const isDynamic = action === 'include_tasks' && (loop !== undefined || hasTemplate(file));
  const path = resolveTasksPath(file, inherited);
  if (isDynamic) {
    if (!hasTemplate(file) && !existsSync(path)) {
      ctx.problems.push({
        message: `tasks file not found: ${path}`,
        location: source.locate(raw, key),
        task: label,
        field: key,
        hint: 'check the path; it is relative to the file that includes it (or the role tasks/ directory)',
      });
    }
    return [
      {
        ...common,
        kind: 'include',
        location,
        file,
        loop,
        ...(loopWith === undefined ? {} : { loopWith }),
        loopControl: keywords.loop_control ?? { loop_var: 'item' },
      },
    ];
  }
  if (loopKeys.length > 0) {
    ctx.problems.push({
      message: `${key} cannot take a loop`,
      location: source.locate(raw, loopKeys[0]),
      task: label,
      field: loopKeys[0],
      hint: 'use include_tasks for a loop',
    });
    return [];
  }
  if (!existsSync(path)) {
    ctx.problems.push({
      message: `tasks file not found: ${path}`,
      location: source.locate(raw, key),
      task: label,
      field: key,
      hint: 'check the path; it is relative to the file that includes it (or the role tasks/ directory)',
    });
    return [];
  }
  return loadTasksFile(path, { ...common, role: inherited.role }, ctx, location);
}

/**
 * import_role: the role's tasks (or tasks_from), in place, at load time, with its defaults, vars and
 * handlers, as a `roles:` entry would bring them; it runs each time it is imported.
 */
function loadImportRole(
  raw: RawMap,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  location: SourceLocation,
  label: string,
): TaskTree[] {
  const { values: keywords, invalid, written } = readKeywords(raw, 'import_role', source, ctx, label);
  const key = written.import_role ?? 'import_role';
  const spec = keywords.import_role;
  if (!spec) {
    if (!invalid.has('import_role'))
      ctx.problems.push({
        message: "import_role needs the role's name",
        location: source.locate(raw, key),
        task: label,
        field: key,
        hint: `e.g. "${key}: { name: nginx }"`,
      });
    return [];
  }
  const entry: RoleEntry = {
    name: spec.name,
    params: { ...keywords.vars },
    when: keywords.when ?? [],
    tags: keywords.tags ?? [],
    become: keywords.become,
    becomeUser: keywords.become_user,
    label,
  };
  return loadRole(entry, inherited, ctx, location, {
    once: false,
    tasksFrom: spec.tasks_from,
    field: key,
    loadTasks: loadTasksFile,
  });
}

/** Resolves an included tasks file: relative to the including file's directory. */
export function resolveTasksPath(file: string, inherited: Inherited): string {
  if (isAbsolute(file)) return file;
  const candidates = [resolve(inherited.baseDir, file)];
  if (inherited.role) candidates.push(resolve(inherited.role.path, 'tasks', file));
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

function inheritCommon(keywords: CommonKeywords, inherited: Inherited): Inherited {
  return {
    when: [...inherited.when, ...(keywords.when ?? [])],
    tags: [...new Set([...inherited.tags, ...(keywords.tags ?? [])])],
    become: keywords.become ?? inherited.become,
    becomeUser: keywords.become_user ?? inherited.becomeUser,
    ignoreErrors: keywords.ignore_errors ?? inherited.ignoreErrors,
    noLog: keywords.no_log ?? inherited.noLog,
    checkMode: keywords.check_mode ?? inherited.checkMode,
    vars: { ...inherited.vars, ...keywords.vars },
    baseDir: inherited.baseDir,
    role: inherited.role,
  };
}

function normalizeArgs(
  value: unknown,
  extraArgs: unknown,
  module: { name: string; freeForm?: string; schema: unknown },
  source: YamlFile,
  ctx: LoadContext,
  label: string,
  location: SourceLocation,
): Record<string, unknown> | undefined {
  let args: Record<string, unknown>;
  if (value === null || value === undefined) {
    args = {};
  } else if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value);
    const shape = schemaShape(module.schema as never);
    if (module.freeForm) {
      try {
        args = convertForSchema(parseFreeFormArgs(module.name, text, module.freeForm), shape);
      } catch (error) {
        if (!(error instanceof ArgumentSyntaxError)) throw error;
        ctx.problems.push({
          message: error.message,
          location,
          task: label,
          field: module.name,
          hint: `close the quote or the {{ }} block, or write the parameters as a map (see: drover doc ${module.name})`,
        });
        return undefined;
      }
    } else {
      const parsed = parseKeyValueArgs(text);
      if (!parsed) {
        ctx.problems.push({
          message: `module ${module.name} takes named parameters, not '${text}'`,
          location,
          task: label,
          field: module.name,
          hint: `write them as key=value words or as a map, e.g. "${module.name}: { name: value }" (see: drover doc ${module.name})`,
        });
        return undefined;
      }
      args = convertForSchema(parsed, shape);
    }
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    args = { ...(value as RawMap) };
  } else {
    ctx.problems.push({
      message: `the parameters of ${module.name} must be a map`,
      location,
      task: label,
      field: module.name,
      hint: `see: drover doc ${module.name}`,
    });
    return undefined;
  }
  if (extraArgs && typeof extraArgs === 'object' && !Array.isArray(extraArgs))
    args = { ...(extraArgs as RawMap), ...args };
  return args;
}

/**
 * A literal controller file (copy src, template src, ...) must exist when the playbook is loaded,
 * found with the lookup prepare() will use; a templated one is looked up once rendered.
 */
function checkControllerFiles(
  module: string,
  args: RawMap,
  scope: Inherited,
  ctx: LoadContext,
  label: string,
  locate: (field: string) => SourceLocation,
): void {
  for (const { field, kind, usedWhen } of CONTROLLER_FILE_FIELDS[module] ?? []) {
    const path = args[field];
    if (typeof path !== 'string' || path === '' || hasTemplate(path)) continue;
    if (usedWhen && !usedWhen(args)) continue;
    const { found, candidates } = findLocalFile(kind, path, {
      role: scope.role,
      baseDir: scope.baseDir,
      playbookDir: ctx.playbookDir,
    });
    if (found) {
      if (kind === 'templates') checkTemplateFile(found, ctx, label, `${module}.${field}`, locate(field));
      continue;
    }
    ctx.problems.push({
      message: `local file not found: ${path} (looked in ${candidates.join(', ')})`,
      location: locate(field),
      task: label,
      field: `${module}.${field}`,
      hint: scope.role
        ? `put it in ${scope.role.path}/${kind}/, or fix the path`
        : `put it in ${kind}/ beside the playbook or the tasks file, or fix the path`,
    });
  }
}

/** How problems name a task: its name, else its first key that is no keyword (its module). */
function labelOf(raw: RawMap): string {
  if (typeof raw.name === 'string') return raw.name;
  if (typeof raw.name === 'number') return String(raw.name);
  const task = keywordsOn('task') as string[];
  const keys = Object.keys(raw).filter((key) => !task.includes(key));
  return keys.length > 0 ? `(unnamed ${keys[0]} task)` : '(unnamed task)';
}
