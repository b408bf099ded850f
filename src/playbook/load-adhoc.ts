/**
 * `drover adhoc PATTERN -m MODULE -a ARGS`: one task on the matching hosts, loaded and validated
 * like a task written in a playbook (the same module names, arguments and errors), from the command
 * line instead of a file.
 */
import { resolve } from 'node:path';
import type { ModuleDefinition } from '../modules/types.js';
import type { Play, Playbook } from '../tree/types.js';
import { PlaybookError } from './errors.js';
import { createLoadContext, type Inherited } from './load-context.js';
import { loadTaskList } from './load-tasks.js';
import { parseYamlText } from './source.js';

export interface AdhocTask {
  /** The host pattern, as for a play's `hosts`. */
  pattern: string;
  module: string;
  /** `-a`: key=value words, free-form text for command/shell, or a JSON map. */
  args?: string;
  /** Where relative local paths (copy src) are looked up: the current directory, as in Ansible. */
  baseDir?: string;
}

/** The name its result is registered under, for printing it. */
export const ADHOC_RESULT = 'adhoc_result';

export function loadAdhocPlaybook(task: AdhocTask, modules: Map<string, ModuleDefinition>): Playbook {
  const baseDir = resolve(task.baseDir ?? process.cwd());
  const file = `${baseDir}/<command line>`;
  const source = parseYamlText(
    file,
    JSON.stringify([{ name: task.module, [task.module]: readArgs(task.args), register: ADHOC_RESULT }]),
  );
  const ctx = createLoadContext(modules, [baseDir], baseDir);
  const inherited: Inherited = { when: [], tags: [], vars: {}, baseDir };
  const tasks = loadTaskList(source.value, source, inherited, ctx);
  if (ctx.problems.length > 0) throw new PlaybookError(ctx.problems);
  const location = { file, line: 1, column: 1 };
  const play: Play = {
    name: `adhoc: ${task.module}`,
    hosts: task.pattern,
    location,
    baseDir,
    vars: {},
    varsFilesVars: {},
    sections: [tasks],
    handlers: [],
    gatherFacts: false,
    serial: [],
    strategy: 'linear',
    anyErrorsFatal: false,
    forceHandlers: false,
    tags: [],
  };
  return { file, plays: [play] };
}

// A JSON map is taken as the arguments (as ansible's -a takes one); anything else is the module's text form.
function readArgs(args: string | undefined): unknown {
  const text = args?.trim() ?? '';
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text === '' ? {} : text;
}
