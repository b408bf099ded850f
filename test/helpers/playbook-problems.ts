import type { ModuleDefinition } from '../../src/modules/types.js';
import { PlaybookError } from '../../src/playbook/errors.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';

/** The problems loading a playbook reports; none when it validates. */
export function problemsOf(file: string, modules: Map<string, ModuleDefinition>): PlaybookError['problems'] {
  try {
    loadPlaybook(file, modules);
  } catch (error) {
    if (error instanceof PlaybookError) return error.problems;
    throw error;
  }
  return [];
}
