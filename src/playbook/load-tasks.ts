import { dirname, isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { hasTemplate } from '../template/render.js';
import type { SourceLocation } from '../tree/source-location.js';
import type { YamlFile } from './source.js';
import {
  BLOCK_KEYWORDS,
  IMPORT_ROLE_KEYWORDS,
  INCLUDE_KEYWORDS,
  stripCollectionPrefix,
  TASK_KEYWORDS,
  UNSUPPORTED_KEYWORDS,
} from './keywords.js';
import { readYamlReporting, type Inherited, type LoadContext } from './load-context.js';
// load-role loads tasks files with this module: a cycle, fine for functions called at load time.
import { loadRoleEntry } from './load-role.js';
import { CONTROLLER_FILE_FIELDS, findLocalFile } from '../tree/local-files.js';
import { parseFreeFormArgs, parseKeyValueArgs } from './parse-free-form.js';
import { checkLoop, describeType, readConditions, readStringList } from './read-keywords.js';
import { suggestName } from '../suggest.js';
import type { LoopControl, TaskNode, TaskTree } from '../tree/types.js';
import { schemaShape, validateArgs } from '../modules/validate-args.js';

type RawMap = Record<string, unknown>;

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
  const name = readName(raw, source, ctx);
  const taskLabel = name ?? describeTask(raw);
  if ('block' in raw) return [loadBlock(raw, source, inherited, ctx, location, taskLabel)];
  const includeKey = Object.keys(raw).find((key) =>
    (INCLUDE_KEYWORDS as readonly string[]).includes(stripCollectionPrefix(key)),
  );
  if (includeKey) return loadInclude(raw, includeKey, source, inherited, ctx, location, taskLabel);
  const roleKey = Object.keys(raw).find((key) => stripCollectionPrefix(key) === 'import_role');
  if (roleKey) return loadImportRole(raw, roleKey, source, inherited, ctx, location, taskLabel);

  const common = inheritCommon(raw, source, inherited, ctx, taskLabel);
  const moduleKeys = Object.keys(raw).filter((key) => !(TASK_KEYWORDS as readonly string[]).includes(key));
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
    const keyLocation = source.locate(raw, key);
    if (UNSUPPORTED_KEYWORDS.has(normalized)) {
      const hint =
        normalized === 'include_role'
          ? 'use import_role (static) with the same name and tasks_from; it cannot loop'
          : 'remove it, or rewrite the task without it (see README: playbook keywords)';
      ctx.problems.push({
        message: `'${key}' is an Ansible keyword drover does not support`,
        location: keyLocation,
        task: taskLabel,
        field: key,
        hint,
      });
    } else if (ctx.modules.has(normalized)) {
      ctx.problems.push({
        message: `a task runs one module, but this one names both '${moduleName}' and '${normalized}'`,
        location: keyLocation,
        task: taskLabel,
        field: key,
        hint: 'split it into two tasks',
      });
    } else {
      const best = suggestName(normalized, [...knownModules, ...TASK_KEYWORDS]);
      ctx.problems.push({
        message: `unknown module or keyword '${key}'`,
        location: keyLocation,
        task: taskLabel,
        field: key,
        hint: best ? `did you mean '${best}'?` : `see 'drover doc --list' for modules and README for task keywords`,
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
  if (raw.args !== undefined && raw.args !== null && (typeof raw.args !== 'object' || Array.isArray(raw.args))) {
    ctx.problems.push({
      message: `args must be a map of the module's parameters, but it is ${describeType(raw.args)}`,
      location: source.locate(raw, 'args'),
      task: taskLabel,
      field: 'args',
      hint: `e.g. "args: { chdir: /srv/app }" (see: drover doc ${moduleName})`,
    });
  }
  const args = normalizeArgs(raw[moduleKey], raw.args, module, source, ctx, taskLabel, source.locate(raw, moduleKey));
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
  if (raw.args && typeof raw.args === 'object')
    for (const key of Object.keys(raw.args)) argLocations[key] = source.locate(raw.args, key);
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

  const loopKeys = ['loop', 'with_items', 'with_list'].filter((key) => raw[key] !== undefined);
  if (loopKeys.length > 1) {
    ctx.problems.push({
      message: `a task loops once, but this one has ${loopKeys.join(' and ')}`,
      location: source.locate(raw, loopKeys[1]),
      task: taskLabel,
      field: loopKeys[1],
      hint: 'keep one of them (loop is the current form)',
    });
  }
  for (const key of loopKeys) checkLoop(raw, key, source, ctx, taskLabel);
  const loop = raw.loop ?? raw.with_items ?? raw.with_list;
  const task: TaskNode = {
    ...common,
    kind: 'task',
    id: ctx.nextId(),
    name,
    location,
    module: moduleName,
    args,
    loop: 'with_items' in raw && Array.isArray(loop) ? loop.flat() : loop,
    loopControl: readLoopControl(raw.loop_control, source, ctx, taskLabel),
    register: readString(raw, 'register', source, ctx, taskLabel),
    notify: readStringList(raw.notify, 'notify', raw, source, ctx, taskLabel),
    changedWhen: readConditions(raw, 'changed_when', source, ctx, taskLabel),
    failedWhen: readConditions(raw, 'failed_when', source, ctx, taskLabel),
    retries: readCount(raw, 'retries', source, ctx, taskLabel),
    delay: readCount(raw, 'delay', source, ctx, taskLabel),
    until: readConditions(raw, 'until', source, ctx, taskLabel),
    listen: readStringList(raw.listen, 'listen', raw, source, ctx, taskLabel),
    argLocations,
  };
  if (task.until !== undefined && task.retries === undefined) task.retries = 3;
  if (task.register !== undefined && !/^[A-Za-z_]\w*$/.test(task.register)) {
    ctx.problems.push({
      message: `register name '${task.register}' is not a valid variable name`,
      location: source.locate(raw, 'register'),
      task: taskLabel,
      field: 'register',
      hint: 'use letters, digits and underscores, starting with a letter',
    });
  }
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
  for (const key of Object.keys(raw)) {
    if (!(BLOCK_KEYWORDS as readonly string[]).includes(key)) {
      const best = suggestName(key, BLOCK_KEYWORDS);
      ctx.problems.push({
        message: `'${key}' is not allowed on a block`,
        location: source.locate(raw, key),
        task: label,
        field: key,
        hint: best ? `did you mean '${best}'?` : `a block takes: ${BLOCK_KEYWORDS.join(', ')}`,
      });
    }
  }
  const common = inheritCommon(raw, source, inherited, ctx, label);
  const childInherited: Inherited = { ...common, baseDir: inherited.baseDir, role: inherited.role };
  return {
    ...common,
    kind: 'block',
    location,
    name: typeof raw.name === 'string' ? raw.name : undefined,
    block: loadTaskList(raw.block, source, childInherited, ctx, 'block'),
    rescue: loadTaskList(raw.rescue, source, childInherited, ctx, 'rescue'),
    always: loadTaskList(raw.always, source, childInherited, ctx, 'always'),
  };
}

function loadInclude(
  raw: RawMap,
  key: string,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  location: SourceLocation,
  label: string,
): TaskTree[] {
  const value = raw[key];
  const file =
    typeof value === 'string' ? value : value && typeof value === 'object' ? (value as RawMap).file : undefined;
  if (typeof file !== 'string') {
    ctx.problems.push({
      message: `${key} needs a file name`,
      location: source.locate(raw, key),
      task: label,
      field: key,
      hint: `e.g. "${key}: setup.yml"`,
    });
    return [];
  }
  const allowed = [
    'name',
    'when',
    'tags',
    'vars',
    'become',
    'become_user',
    'loop',
    'with_items',
    'loop_control',
    'ignore_errors',
    'no_log',
    key,
  ];
  for (const other of Object.keys(raw)) {
    if (!allowed.includes(other))
      ctx.problems.push({
        message: `'${other}' is not allowed on ${key}`,
        location: source.locate(raw, other),
        task: label,
        field: other,
        hint: `${key} takes: ${allowed.join(', ')}`,
      });
  }
  const common = inheritCommon(raw, source, inherited, ctx, label);
  const loopKeys = ['loop', 'with_items'].filter((other) => raw[other] !== undefined);
  if (loopKeys.length > 1) {
    ctx.problems.push({
      message: `${key} loops once, but this one has loop and with_items`,
      location: source.locate(raw, 'with_items'),
      task: label,
      field: 'with_items',
      hint: 'keep one of them (loop is the current form)',
    });
  }
  if (stripCollectionPrefix(key) === 'include_tasks')
    for (const other of loopKeys) checkLoop(raw, other, source, ctx, label);
  const loop = raw.loop ?? raw.with_items;
  const isDynamic = stripCollectionPrefix(key) === 'include_tasks' && (loop !== undefined || hasTemplate(file));
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
        loopControl: readLoopControl(raw.loop_control, source, ctx, label),
      },
    ];
  }
  if (loop !== undefined) {
    ctx.problems.push({
      message: 'import_tasks cannot take a loop',
      location: source.locate(raw, 'loop'),
      task: label,
      field: 'loop',
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
  key: string,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  location: SourceLocation,
  label: string,
): TaskTree[] {
  const spec = raw[key];
  const allowed: string[] = [...IMPORT_ROLE_KEYWORDS, key];
  for (const other of Object.keys(raw)) {
    if (!allowed.includes(other)) {
      const hint =
        other === 'loop' || other === 'with_items'
          ? 'import_role is static and cannot loop; loop inside the role instead'
          : `import_role takes: ${allowed.join(', ')}`;
      ctx.problems.push({
        message: `'${other}' is not allowed on import_role`,
        location: source.locate(raw, other),
        task: label,
        field: other,
        hint,
      });
    }
  }
  if (!spec || typeof spec !== 'object' || Array.isArray(spec) || typeof (spec as RawMap).name !== 'string') {
    ctx.problems.push({
      message: "import_role needs the role's name",
      location: source.locate(raw, key),
      task: label,
      field: key,
      hint: `e.g. "${key}: { name: nginx }"`,
    });
    return [];
  }
  const { name: role, tasks_from: tasksFrom, ...rest } = spec as RawMap;
  for (const other of Object.keys(rest)) {
    ctx.problems.push({
      message: `'${other}' is not supported on import_role`,
      location: source.locate(spec, other),
      task: label,
      field: `${key}.${other}`,
      hint: 'import_role takes name and tasks_from',
    });
  }
  if (tasksFrom !== undefined && typeof tasksFrom !== 'string') {
    ctx.problems.push({
      message: 'tasks_from must be a file name',
      location: source.locate(spec, 'tasks_from'),
      task: label,
      field: `${key}.tasks_from`,
    });
    return [];
  }
  const entry = {
    role,
    vars: raw.vars,
    when: raw.when,
    tags: raw.tags,
    become: raw.become,
    become_user: raw.become_user,
  };
  return loadRoleEntry(entry, source, inherited, ctx, location, {
    once: false,
    tasksFrom,
    keywords: raw,
    label,
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

function inheritCommon(
  raw: RawMap,
  source: YamlFile,
  inherited: Inherited,
  ctx: LoadContext,
  label: string,
): Inherited {
  const when = readConditions(raw, 'when', source, ctx, label) ?? [];
  const vars = raw.vars;
  if (vars !== undefined && (vars === null || typeof vars !== 'object' || Array.isArray(vars))) {
    ctx.problems.push({
      message: 'vars must be a map',
      location: source.locate(raw, 'vars'),
      task: label,
      field: 'vars',
    });
  }
  return {
    when: [...inherited.when, ...when],
    tags: [...new Set([...inherited.tags, ...readStringList(raw.tags, 'tags', raw, source, ctx, label)])],
    become: readBool(raw, 'become', source, ctx, label) ?? inherited.become,
    becomeUser: readString(raw, 'become_user', source, ctx, label) ?? inherited.becomeUser,
    ignoreErrors: readBool(raw, 'ignore_errors', source, ctx, label) ?? inherited.ignoreErrors,
    noLog: readBool(raw, 'no_log', source, ctx, label) ?? inherited.noLog,
    checkMode: readBool(raw, 'check_mode', source, ctx, label) ?? inherited.checkMode,
    vars: { ...inherited.vars, ...((vars && typeof vars === 'object' ? vars : {}) as RawMap) },
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
    if (module.freeForm) {
      const shape = schemaShape(module.schema as never) ?? {};
      args = parseFreeFormArgs(text, module.freeForm, Object.keys(shape));
    } else {
      const parsed = parseKeyValueArgs(text);
      if (!parsed) {
        ctx.problems.push({
          message: `module ${module.name} takes named parameters, not '${text}'`,
          location,
          task: label,
          field: module.name,
          hint: `write them as a map, e.g. "${module.name}: { name: value }" (see: drover doc ${module.name})`,
        });
        return undefined;
      }
      args = parsed;
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

function readLoopControl(raw: unknown, source: YamlFile, ctx: LoadContext, label: string): LoopControl {
  const control: LoopControl = { loop_var: 'item' };
  if (raw === undefined || raw === null) return control;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.push({
      message: 'loop_control must be a map',
      location: source.locate(raw),
      task: label,
      field: 'loop_control',
    });
    return control;
  }
  const map = raw as RawMap;
  for (const key of Object.keys(map)) {
    if (!['label', 'loop_var', 'index_var', 'pause', 'extended'].includes(key)) {
      ctx.problems.push({
        message: `unknown loop_control key '${key}'`,
        location: source.locate(map, key),
        task: label,
        field: `loop_control.${key}`,
        hint: 'loop_control takes: label, loop_var, index_var',
      });
    }
  }
  if (typeof map.label === 'string') control.label = map.label;
  if (typeof map.loop_var === 'string') control.loop_var = map.loop_var;
  if (typeof map.index_var === 'string') control.index_var = map.index_var;
  return control;
}

function readString(raw: RawMap, key: string, source: YamlFile, ctx: LoadContext, label: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  ctx.problems.push({ message: `${key} must be a string`, location: source.locate(raw, key), task: label, field: key });
  return undefined;
}

function readBool(raw: RawMap, key: string, source: YamlFile, ctx: LoadContext, label: string): boolean | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['yes', 'true', 'no', 'false'].includes(value.toLowerCase()))
    return ['yes', 'true'].includes(value.toLowerCase());
  ctx.problems.push({
    message: `${key} must be true or false`,
    location: source.locate(raw, key),
    task: label,
    field: key,
  });
  return undefined;
}

/** retries and delay: a whole number, 0 or more (Ansible's int keywords; "3" is read as 3). */
function readCount(raw: RawMap, key: string, source: YamlFile, ctx: LoadContext, label: string): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  const templated = typeof value === 'string' && hasTemplate(value);
  ctx.problems.push({
    message: templated
      ? `${key} must be a whole number written in the playbook: drover does not template ${key}`
      : `${key} must be a whole number, 0 or more, but it is ${describeType(value)}`,
    location: source.locate(raw, key),
    task: label,
    field: key,
    hint: key === 'delay' ? 'e.g. delay: 5 (seconds between attempts)' : 'e.g. retries: 3 (attempts after the first)',
  });
  return undefined;
}

/** A task's name: text (a number is taken as text). */
function readName(raw: RawMap, source: YamlFile, ctx: LoadContext): string | undefined {
  const value = raw.name;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  ctx.problems.push({
    message: `name must be text, but it is ${describeType(value)}`,
    location: source.locate(raw, 'name'),
    task: describeTask(raw),
    field: 'name',
    hint: 'quote a name that starts with { or [, e.g. name: "{{ app }} config"',
  });
  return undefined;
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
    if (found) continue;
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

function describeTask(raw: RawMap): string {
  const keys = Object.keys(raw).filter((key) => !(TASK_KEYWORDS as readonly string[]).includes(key));
  return keys.length > 0 ? `(unnamed ${keys[0]} task)` : '(unnamed task)';
}
