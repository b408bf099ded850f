import { checkAliases, readAliased, type AliasSpec } from './aliases.js';
import { z } from 'zod';
import { translatePythonRegex } from '../text/line-edit.js';

/** Whether a (Python-flavoured) regular expression compiles. */
export function isRegex(value: string): boolean {
  try {
    new RegExp(translatePythonRegex(value));
    return true;
  } catch {
    return false;
  }
}

export const regexField = z.string().refine(isRegex, 'is not a valid regular expression (JavaScript syntax)');

/** insertafter / insertbefore: a regex, or the file's edge (EOF or BOF). */
export const anchorField = (edge: 'EOF' | 'BOF') =>
  z
    .string()
    .refine((value) => value === edge || isRegex(value), 'is not a valid regular expression (JavaScript syntax)');

const PATH: AliasSpec = { field: 'path', aliases: ['dest', 'destfile', 'name'], what: 'the file to edit' };

/** The file to edit under Ansible's names for it; give one of them (see PATH). */
export const pathAliasFields = {
  path: z.string().min(1).optional().describe('The file to edit (aliases: dest, destfile, name).'),
  dest: z.string().min(1).optional().describe('Alias of path.'),
  destfile: z.string().min(1).optional().describe('Alias of path.'),
  name: z.string().min(1).optional().describe('Alias of path.'),
};

type PathAliases = {
  path?: string;
  dest?: string;
  destfile?: string;
  name?: string;
  insertafter?: string;
  insertbefore?: string;
};

/** Checks shared by the text-editing modules: exactly one name for the path, one insert anchor at most. */
export function checkPathAndAnchor(args: PathAliases, ctx: z.RefinementCtx): void {
  checkAliases(args, PATH, ctx);
  if (args.insertafter !== undefined && args.insertbefore !== undefined)
    ctx.addIssue({ code: 'custom', message: 'give insertafter or insertbefore, not both', path: ['insertafter'] });
}

/** The one path the aliases name (after checkPathAndAnchor passed). */
export function resolvePath(args: PathAliases): string {
  return readAliased<string>(args, PATH)!;
}

/** An insert anchor as the editors take it: the edge word as is, a regex in JavaScript syntax. */
export function translateAnchor(value: string | undefined, edge: 'EOF' | 'BOF'): string | undefined {
  return value === undefined || value === edge ? value : translatePythonRegex(value);
}
