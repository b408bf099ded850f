import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Where a controller file is looked for: the role's files/ or templates/ directory. */
export type LocalFileKind = 'files' | 'templates';

/** What the lookup of a task's controller file depends on. */
export interface LocalFileScope {
  /** The role the task belongs to, if any. */
  role?: { path: string };
  /** The directory of the file the task is written in. */
  baseDir: string;
  /** The playbook's directory (the `playbook_dir` variable). */
  playbookDir?: string;
}

/**
 * The places a task's controller file (copy src, template src) is looked for, in order: an
 * absolute path as is; otherwise the role's KIND/ directory and the role itself, then KIND/ and
 * the directory beside the task's file, then KIND/ and the playbook's directory.
 */
export function localFileCandidates(kind: LocalFileKind, path: string, scope: LocalFileScope): string[] {
  const candidates: string[] = [];
  if (isAbsolute(path)) candidates.push(path);
  else {
    if (scope.role) candidates.push(join(scope.role.path, kind, path), join(scope.role.path, path));
    candidates.push(resolve(scope.baseDir, kind, path), resolve(scope.baseDir, path));
    if (scope.playbookDir !== undefined)
      candidates.push(resolve(scope.playbookDir, kind, path), resolve(scope.playbookDir, path));
  }
  return [...new Set(candidates)];
}

/** The first candidate that exists, and every place looked at. */
export function findLocalFile(
  kind: LocalFileKind,
  path: string,
  scope: LocalFileScope,
): { found?: string; candidates: string[] } {
  const candidates = localFileCandidates(kind, path, scope);
  return { found: candidates.find((candidate) => existsSync(candidate)), candidates };
}

/** A module parameter naming a file on the controller, as the module's prepare() reads it. */
export interface ControllerFileField {
  field: string;
  kind: LocalFileKind;
  /** The parameter is read only when this holds for the (literal) arguments. */
  usedWhen?: (args: Record<string, unknown>) => boolean;
}

/**
 * The parameters each module's prepare() resolves with resolveLocalFile: copy's src (files/),
 * template's src and nginx_site's template (templates/, unless the site is absent).
 */
export const CONTROLLER_FILE_FIELDS: Record<string, ControllerFileField[]> = {
  copy: [{ field: 'src', kind: 'files' }],
  template: [{ field: 'src', kind: 'templates' }],
  nginx_site: [
    { field: 'template', kind: 'templates', usedWhen: (args) => args.state === undefined || args.state === 'present' },
  ],
};
