import { readYamlFile, YamlSyntaxError, type YamlFile } from './source.js';
import type { ModuleDefinition } from '../modules/types.js';
import type { PlaybookProblem } from './errors.js';
import type { RoleScope, TaskCommon } from '../tree/types.js';

/** State shared while one playbook is loaded: the module registry and every problem found. */
export interface LoadContext {
  modules: Map<string, ModuleDefinition>;
  problems: PlaybookProblem[];
  nextId(): number;
  /** Directories searched for roles/, in order. */
  roleSearchDirs: string[];
  /** Directories that hold roles themselves (Ansible's roles_path), searched after roleSearchDirs. */
  rolesPath: string[];
  /** Roles already listed in the current play (name + params), which are not run twice. */
  rolesSeen: Set<string>;
  /** Role directories whose handlers the play already has. */
  rolesWithHandlers: Set<string>;
  /** Handlers collected from roles while loading a play. */
  roleHandlers: import('../tree/types.js').TaskNode[];
  /** Files currently being included, to catch include loops. */
  includeStack: string[];
  /** Directories of the roles currently loading, outermost first, for dependency loops. */
  roleStack: string[];
  /** Their names, as the roles were named. */
  roleStackNames: string[];
  /**
   * The playbook's directory. When it is known (a whole playbook is loaded), literal controller
   * files (copy src, template src) are looked up at load time, as prepare() will look them up.
   */
  playbookDir?: string;
}

/** What a task inherits from where it is written. */
export type Inherited = Omit<TaskCommon, 'name' | 'location'> & { role?: RoleScope };

export function createLoadContext(
  modules: Map<string, ModuleDefinition>,
  roleSearchDirs: string[],
  playbookDir?: string,
): LoadContext {
  let id = 0;
  return {
    playbookDir,
    modules,
    problems: [],
    nextId: () => ++id,
    roleSearchDirs,
    rolesPath: [],
    rolesSeen: new Set(),
    rolesWithHandlers: new Set(),
    roleHandlers: [],
    includeStack: [],
    roleStack: [],
    roleStackNames: [],
  };
}

/** Reads a YAML file; a syntax error becomes a problem of the load (undefined is returned). */
export function readYamlReporting(file: string, ctx: LoadContext): YamlFile | undefined {
  try {
    return readYamlFile(file);
  } catch (error) {
    if (!(error instanceof YamlSyntaxError)) throw error;
    ctx.problems.push({ message: error.message, location: error.location, hint: error.hint });
    return undefined;
  }
}
