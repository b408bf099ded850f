import { readYamlFile, YamlSyntaxError, type YamlFile } from './source.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { PlaybookProblem } from './errors.js';
import type { RoleScope, TaskCommon } from './types.js';

/** State shared while one playbook is loaded: the module registry and every problem found. */
export interface LoadContext {
  modules: Map<string, ModuleDefinition>;
  problems: PlaybookProblem[];
  nextId(): number;
  /** Directories searched for roles/, in order. */
  roleSearchDirs: string[];
  /** Roles already listed in the current play (name + params), which are not run twice. */
  rolesSeen: Set<string>;
  /** Role directories whose handlers the play already has. */
  rolesWithHandlers: Set<string>;
  /** Handlers collected from roles while loading a play. */
  roleHandlers: import('./types.js').TaskNode[];
  /** Files currently being included, to catch include loops. */
  includeStack: string[];
  /** Role currently loading, for dependency loops. */
  roleStack: string[];
}

/** What a task inherits from where it is written. */
export type Inherited = Omit<TaskCommon, 'name' | 'location'> & { role?: RoleScope };

export function createLoadContext(modules: Map<string, ModuleDefinition>, roleSearchDirs: string[]): LoadContext {
  let id = 0;
  return {
    modules,
    problems: [],
    nextId: () => ++id,
    roleSearchDirs,
    rolesSeen: new Set(),
    rolesWithHandlers: new Set(),
    roleHandlers: [],
    includeStack: [],
    roleStack: [],
  };
}

/** Reads a YAML file; a syntax error becomes a problem of the load (undefined is returned). */
export function readYamlReporting(file: string, ctx: LoadContext): YamlFile | undefined {
  try {
    return readYamlFile(file);
  } catch (error) {
    if (!(error instanceof YamlSyntaxError)) throw error;
    ctx.problems.push({ message: error.message, location: error.location });
    return undefined;
  }
}
