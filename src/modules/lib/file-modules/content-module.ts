/** Parameters, probe and plan shared by copy and template (a whole file's content). */
import { z } from 'zod';
import { buildPathProbe, parsePathState, type PathState } from '../probe/path-probe.js';
import { DIFF_CONTENT_LIMIT, planFileContent } from '../plan/file-content-plan.js';
import { boolField, modeField, principalField } from '../fields/schema-fields.js';
import type { FileSource, Plan, PlanContext, ProbeOutput } from '../../types.js';

export const validateField = z
  .string()
  .refine((value) => value.includes('%s'), "must contain %s (where the new file's path goes), e.g. 'visudo -cf %s'");

/** owner/group/mode/backup/validate, shared by every module that writes a file. */
export const fileAttributeFields = {
  owner: principalField.optional().describe('User name or uid that should own the file.'),
  group: principalField.optional().describe('Group name or gid of the file.'),
  mode: modeField
    .optional()
    .describe(
      "Permissions: octal as a quoted string ('0644') or symbolic ('u=rw,g=r,o=r'). An unquoted 0644 is read as the octal digits 644. Default for a new file: 0644; an existing file keeps its mode.",
    ),
  backup: boolField(false).describe('Keep the replaced file as PATH.TIMESTAMP~ when the content changes.'),
  validate: validateField
    .optional()
    .describe(
      "Command that checks the new file before it replaces the old one; %s is the temporary file's path (e.g. 'nginx -t -c %s', 'visudo -cf %s').",
    ),
};

export const contentFileFields = {
  dest: z
    .string({ error: 'dest is required: the path of the file on the host' })
    .min(1)
    .describe(
      "Path of the file on the host. Ending in / (with src) copies into that directory under the source's name.",
    ),
  ...fileAttributeFields,
  force: boolField(true).describe('false: only create the file when it is missing; an existing file is left alone.'),
  follow: boolField(false).describe(
    'When dest is a symlink, write the file it points to (false: a content change replaces the link with a file, as in Ansible).',
  ),
};

export interface ContentArgs {
  dest: string;
  owner?: string;
  group?: string;
  mode?: string;
  backup: boolean;
  validate?: string;
  force: boolean;
  follow: boolean;
}

export function probeContentFile(dest: string): string {
  return buildPathProbe(dest, {
    follow: true,
    checksum: true,
    contentLimit: DIFF_CONTENT_LIMIT,
    parent: true,
    realPath: true,
  });
}

export function parseContentFile(output: ProbeOutput): PathState {
  return parsePathState(output);
}

/** Plans the file from its content, or from a controller file (see FileSource) given as { source }. */
export function planContentFile(
  args: ContentArgs,
  content: string | Buffer | { source: FileSource },
  current: PathState,
  ctx: PlanContext,
): Plan {
  const path = args.follow && current.type === 'link' && current.realPath ? current.realPath : args.dest;
  const wanted = typeof content === 'string' || Buffer.isBuffer(content) ? { content } : { source: content.source };
  return planFileContent(
    {
      path,
      ...wanted,
      owner: args.owner,
      group: args.group,
      mode: args.mode,
      backup: args.backup,
      validate: args.validate,
      force: args.force,
    },
    current,
  );
}
