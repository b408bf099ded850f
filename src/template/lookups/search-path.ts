/**
 * Where lookups find files on the controller, as Ansible searches: next to the template being
 * rendered, then the role, then the playbook's directory; in each, the kind's subdirectory
 * (files/ or templates/) first.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TemplateSyntaxError } from '../errors.js';
import type { RenderSession } from '../jinja/session.js';

export function searchDirectories(session: RenderSession): string[] {
  const dirs: string[] = [];
  if (session.file) dirs.push(dirname(session.file));
  for (const name of ['role_path', 'playbook_dir']) {
    const value = session.vars[name];
    if (typeof value === 'string' && value !== '') dirs.push(value);
  }
  return [...new Set(dirs)];
}

export function findLookupFile(
  session: RenderSession,
  kind: 'files' | 'templates',
  name: string,
  lookup: string,
): string {
  if (isAbsolute(name)) {
    if (existsSync(name)) return name;
    throw new TemplateSyntaxError(`lookup('${lookup}'): file not found: ${name}`);
  }
  const candidates = searchDirectories(session).flatMap((dir) => [join(dir, kind, name), join(dir, name)]);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return resolve(found);
  throw new TemplateSyntaxError(
    `lookup('${lookup}'): could not find ${name} (looked in ${candidates.join(', ') || 'no directory: no playbook_dir'})`,
  );
}
