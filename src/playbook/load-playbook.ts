import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ModuleDefinition } from '../modules/types.js';
import { hasTemplate } from '../template/render.js';
import { PlaybookError } from './errors.js';
import { findKeyword, KEYWORDS } from './keywords/declarations.js';
import { readKeywords } from './keywords/read-keywords.js';
import { createLoadContext, readYamlReporting, type Inherited, type LoadContext } from './load-context.js';
import { loadRole, readRoleEntry, readVarsFile } from './load-role.js';
import { loadTaskList, loadTasksFile } from './load-tasks.js';
import type { YamlFile } from './source.js';
import { suggestName } from '../suggest.js';
import type { Play, Playbook, TaskNode } from '../tree/types.js';

type RawMap = Record<string, unknown>;

/**
 * Loads and validates a whole playbook (imports, roles, includes, module arguments). Every problem
 * is collected; if there is any, a PlaybookError lists them all and nothing may run.
 */
export function loadPlaybook(
  file: string,
  modules: Map<string, ModuleDefinition>,
  options: { rolesPath?: string[] } = {},
): Playbook {
  const path = resolve(file);
  const playbookDir = dirname(path);
  const ctx = createLoadContext(modules, [...new Set([playbookDir, dirname(playbookDir), process.cwd()])], playbookDir);
  ctx.rolesPath = options.rolesPath ?? [];
  const plays = loadPlaybookFile(path, ctx, []);
  if (ctx.problems.length > 0) throw new PlaybookError(ctx.problems);
  return { file: path, plays };
}

function loadPlaybookFile(path: string, ctx: LoadContext, stack: string[]): Play[] {
  if (!existsSync(path)) {
    ctx.problems.push({
      message: `playbook not found: ${path}`,
      location: { file: path, line: 1, column: 1 },
      hint: 'check the path',
    });
    return [];
  }
  if (stack.includes(path)) {
    ctx.problems.push({
      message: `playbook imports itself: ${[...stack, path].join(' -> ')}`,
      location: { file: path, line: 1, column: 1 },
    });
    return [];
  }
  const source = readYamlReporting(path, ctx);
  if (!source) return [];
  if (!Array.isArray(source.value)) {
    ctx.problems.push({
      message: 'a playbook must be a list of plays',
      location: source.locate(source.value),
      hint: `start each play with "- hosts: GROUP"`,
    });
    return [];
  }
  const plays: Play[] = [];
  for (const raw of source.value) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      ctx.problems.push({
        message: 'a play must be a map',
        location: source.locate(source.value),
        hint: `e.g. "- hosts: all\\n  tasks: [...]"`,
      });
      continue;
    }
    const map = raw as RawMap;
    const importKey = Object.keys(map).find((key) => findKeyword(key) === 'import_playbook');
    if (importKey !== undefined) {
      const target = KEYWORDS.import_playbook.type.schema.safeParse(map[importKey]);
      if (!target.success) {
        ctx.problems.push({
          message: `${importKey} needs a file name`,
          location: source.locate(map, importKey),
          field: importKey,
          hint: KEYWORDS.import_playbook.type.hint(importKey, map[importKey]),
        });
        continue;
      }
      plays.push(...loadPlaybookFile(resolve(dirname(path), target.data), ctx, [...stack, path]));
      continue;
    }
    const play = loadPlay(map, source, ctx);
    if (play) plays.push(play);
  }
  return plays;
}

function loadPlay(raw: RawMap, source: YamlFile, ctx: LoadContext): Play | undefined {
  const location = source.locate(raw);
  const written = typeof raw.name === 'string' || typeof raw.name === 'number' ? raw.name : raw.hosts;
  const label = `play ${String(written ?? 'play')}`;
  const { values: keywords, invalid } = readKeywords(raw, 'play', source, ctx, label);
  const hosts = keywords.hosts;
  if (hosts === undefined || hosts === '') {
    if (!invalid.has('hosts'))
      ctx.problems.push({
        message: 'a play needs hosts',
        location,
        task: label,
        field: 'hosts',
        hint: `add "hosts: all" or a group name`,
      });
    return undefined;
  }
  const name = keywords.name ?? hosts;
  const baseDir = dirname(source.file);
  const varsFilesVars = readVarsFiles(keywords.vars_files ?? [], baseDir, source, raw, ctx);
  ctx.rolesSeen = new Set();
  ctx.rolesWithHandlers = new Set();
  ctx.roleHandlers = [];
  const inherited: Inherited = {
    when: [],
    tags: keywords.tags ?? [],
    become: keywords.become,
    becomeUser: keywords.become_user,
    vars: {},
    baseDir,
  };
  const preTasks = loadTaskList(keywords.pre_tasks, source, inherited, ctx, 'pre_tasks');
  const roleTasks = [];
  for (const [index, item] of (keywords.roles ?? []).entries()) {
    const from = source.locate(raw.roles, index);
    const entry = readRoleEntry(item, source, ctx, from);
    if (entry) roleTasks.push(...loadRole(entry, inherited, ctx, from, { once: true, loadTasks: loadTasksFile }));
  }
  const tasks = loadTaskList(keywords.tasks, source, inherited, ctx, 'tasks');
  const postTasks = loadTaskList(keywords.post_tasks, source, inherited, ctx, 'post_tasks');
  const playHandlers = loadTaskList(keywords.handlers, source, { ...inherited, tags: [] }, ctx, 'handlers');
  const handlers = [...ctx.roleHandlers, ...playHandlers].filter((h): h is TaskNode => h.kind === 'task');
  checkNotifications([...preTasks, ...roleTasks, ...tasks, ...postTasks], handlers, ctx);
  return {
    name,
    hosts,
    hostsLocation: source.locate(raw, 'hosts'),
    location,
    baseDir,
    vars: keywords.vars ?? {},
    varsFilesVars,
    sections: [preTasks, [...roleTasks, ...tasks], postTasks],
    handlers,
    become: inherited.become,
    becomeUser: inherited.becomeUser,
    gatherFacts: keywords.gather_facts ?? true,
    serial: keywords.serial ?? [],
    strategy: keywords.strategy ?? 'linear',
    anyErrorsFatal: keywords.any_errors_fatal ?? false,
    maxFailPercentage: keywords.max_fail_percentage,
    forceHandlers: keywords.force_handlers ?? false,
    tags: inherited.tags,
  };
}

/** Every notify must name a handler (by name or listen topic); a typo would otherwise never run. */
function checkNotifications(
  trees: import('../tree/types.js').TaskTree[],
  handlers: TaskNode[],
  ctx: LoadContext,
): void {
  const topics = new Set(handlers.flatMap((h) => [h.name ?? '', ...h.listen]));
  const visit = (nodes: import('../tree/types.js').TaskTree[]) => {
    for (const node of nodes) {
      if (node.kind === 'block') {
        visit(node.block);
        visit(node.rescue);
        visit(node.always);
      } else if (node.kind === 'task') {
        for (const topic of node.notify) {
          if (topics.has(topic) || hasTemplate(topic)) continue;
          const best = suggestName(topic, [...topics].filter(Boolean));
          ctx.problems.push({
            message: `notify names no handler: '${topic}'`,
            location: node.location,
            task: node.name ?? node.module,
            field: 'notify',
            hint: best
              ? `did you mean '${best}'?`
              : 'define a handler with that name (or listen topic) in the play or its roles',
          });
        }
      }
    }
  };
  visit(trees);
}

function readVarsFiles(files: string[], baseDir: string, source: YamlFile, raw: RawMap, ctx: LoadContext): RawMap {
  const out: RawMap = {};
  for (const file of files) {
    const path = resolve(baseDir, file);
    if (!existsSync(path)) {
      ctx.problems.push({
        message: `vars file not found: ${path}`,
        location: source.locate(raw, 'vars_files'),
        field: 'vars_files',
        hint: 'paths are relative to the playbook',
      });
      continue;
    }
    Object.assign(out, readVarsFileAt(path, ctx));
  }
  return out;
}

function readVarsFileAt(path: string, ctx: LoadContext): RawMap {
  const source = readYamlReporting(path, ctx);
  if (!source || source.value === null) return {};
  if (typeof source.value === 'object' && !Array.isArray(source.value)) return source.value as RawMap;
  ctx.problems.push({ message: 'a vars file must be a map', location: source.locate(source.value) });
  return {};
}

export { readVarsFile };
