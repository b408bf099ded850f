import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ModuleDefinition } from '../modules/types.js';
import { hasTemplate } from '../template/render.js';
import { PlaybookError } from './errors.js';
import { PLAY_KEYWORDS, UNSUPPORTED_KEYWORDS } from './keywords.js';
import { createLoadContext, readYamlReporting, type Inherited, type LoadContext } from './load-context.js';
import { loadRoleEntry, readVarsFile } from './load-role.js';
import { loadTaskList, loadTasksFile } from './load-tasks.js';
import { readStringList } from './read-keywords.js';
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
    if ('import_playbook' in map) {
      const target = map.import_playbook;
      if (typeof target !== 'string') {
        ctx.problems.push({
          message: 'import_playbook needs a file name',
          location: source.locate(map, 'import_playbook'),
        });
        continue;
      }
      plays.push(...loadPlaybookFile(resolve(dirname(path), target), ctx, [...stack, path]));
      continue;
    }
    const play = loadPlay(map, source, ctx);
    if (play) plays.push(play);
  }
  return plays;
}

function loadPlay(raw: RawMap, source: YamlFile, ctx: LoadContext): Play | undefined {
  const location = source.locate(raw);
  const name = typeof raw.name === 'string' ? raw.name : String(raw.hosts ?? 'play');
  for (const key of Object.keys(raw)) {
    if ((PLAY_KEYWORDS as readonly string[]).includes(key)) continue;
    const best = suggestName(key, PLAY_KEYWORDS);
    ctx.problems.push({
      message: UNSUPPORTED_KEYWORDS.has(key)
        ? `'${key}' is an Ansible play keyword drover does not support`
        : `unknown play keyword '${key}'`,
      location: source.locate(raw, key),
      task: `play ${name}`,
      field: key,
      hint: best ? `did you mean '${best}'?` : `a play takes: ${PLAY_KEYWORDS.join(', ')}`,
    });
  }
  if (Array.isArray(raw.hosts) && !raw.hosts.every((item) => typeof item === 'string' || typeof item === 'number')) {
    ctx.problems.push({
      message: 'hosts must be a host pattern or a list of them (text)',
      location: source.locate(raw, 'hosts'),
      task: `play ${name}`,
      field: 'hosts',
      hint: 'e.g. "hosts: webservers" or "hosts: [web1, web2]"',
    });
    return undefined;
  }
  const hosts = Array.isArray(raw.hosts)
    ? raw.hosts.join(',')
    : typeof raw.hosts === 'number'
      ? String(raw.hosts)
      : raw.hosts;
  if (typeof hosts !== 'string' || hosts.trim() === '') {
    ctx.problems.push({
      message: 'a play needs hosts',
      location,
      task: `play ${name}`,
      field: 'hosts',
      hint: `add "hosts: all" or a group name`,
    });
    return undefined;
  }
  const baseDir = dirname(source.file);
  const vars = readMap(raw, 'vars', source, ctx);
  const varsFilesVars = readVarsFiles(raw.vars_files, baseDir, source, raw, ctx);
  ctx.rolesSeen = new Set();
  ctx.rolesWithHandlers = new Set();
  ctx.roleHandlers = [];
  const inherited: Inherited = {
    when: [],
    tags: readStringList(raw.tags, 'tags', raw, source, ctx, `play ${name}`),
    become: typeof raw.become === 'boolean' ? raw.become : undefined,
    becomeUser: typeof raw.become_user === 'string' ? raw.become_user : undefined,
    vars: {},
    baseDir,
  };
  const preTasks = loadTaskList(raw.pre_tasks, source, inherited, ctx, 'pre_tasks');
  const roleTasks = [];
  if (raw.roles !== undefined && raw.roles !== null) {
    if (!Array.isArray(raw.roles)) {
      ctx.problems.push({
        message: 'roles must be a list',
        location: source.locate(raw, 'roles'),
        task: `play ${name}`,
        field: 'roles',
      });
    } else {
      for (const [index, entry] of raw.roles.entries())
        roleTasks.push(
          ...loadRoleEntry(entry, source, inherited, ctx, source.locate(raw.roles, index), {
            once: true,
            loadTasks: loadTasksFile,
          }),
        );
    }
  }
  const tasks = loadTaskList(raw.tasks, source, inherited, ctx, 'tasks');
  const postTasks = loadTaskList(raw.post_tasks, source, inherited, ctx, 'post_tasks');
  const playHandlers = loadTaskList(raw.handlers, source, { ...inherited, tags: [] }, ctx, 'handlers');
  const handlers = [...ctx.roleHandlers, ...playHandlers].filter((h): h is TaskNode => h.kind === 'task');
  checkNotifications([...preTasks, ...roleTasks, ...tasks, ...postTasks], handlers, ctx);

  const strategy = raw.strategy ?? 'linear';
  if (strategy !== 'linear' && strategy !== 'free') {
    ctx.problems.push({
      message: `unknown strategy '${String(strategy)}'`,
      location: source.locate(raw, 'strategy'),
      task: `play ${name}`,
      field: 'strategy',
      hint: 'use linear (the default) or free',
    });
  }
  return {
    name,
    hosts: hosts.trim(),
    hostsLocation: source.locate(raw, 'hosts'),
    location,
    baseDir,
    vars,
    varsFilesVars,
    sections: [preTasks, [...roleTasks, ...tasks], postTasks],
    handlers,
    become: inherited.become,
    becomeUser: inherited.becomeUser,
    gatherFacts:
      raw.gather_facts === undefined
        ? true
        : raw.gather_facts === true || raw.gather_facts === 'yes' || raw.gather_facts === 'true',
    serial: readSerial(raw.serial, source, raw, ctx, name),
    strategy: strategy === 'free' ? 'free' : 'linear',
    anyErrorsFatal: raw.any_errors_fatal === true,
    maxFailPercentage: typeof raw.max_fail_percentage === 'number' ? raw.max_fail_percentage : undefined,
    forceHandlers: raw.force_handlers === true,
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

function readMap(raw: RawMap, key: string, source: YamlFile, ctx: LoadContext): RawMap {
  const value = raw[key];
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as RawMap;
  ctx.problems.push({ message: `${key} must be a map`, location: source.locate(raw, key), field: key });
  return {};
}

function readVarsFiles(value: unknown, baseDir: string, source: YamlFile, raw: RawMap, ctx: LoadContext): RawMap {
  if (value === undefined || value === null) return {};
  const files = Array.isArray(value) ? value : [value];
  const out: RawMap = {};
  for (const file of files) {
    if (typeof file !== 'string') {
      ctx.problems.push({
        message: 'vars_files must list file names',
        location: source.locate(raw, 'vars_files'),
        field: 'vars_files',
      });
      continue;
    }
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

function readSerial(
  value: unknown,
  source: YamlFile,
  raw: RawMap,
  ctx: LoadContext,
  play: string,
): Array<number | string> {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    const ok = (typeof item === 'number' && item > 0) || (typeof item === 'string' && /^(\d+%?)$/.test(item.trim()));
    if (!ok) {
      ctx.problems.push({
        message: `serial must be a number, a percentage like "30%", or a list of them`,
        location: source.locate(raw, 'serial'),
        task: `play ${play}`,
        field: 'serial',
      });
      return [];
    }
  }
  return list as Array<number | string>;
}

export { readVarsFile };
