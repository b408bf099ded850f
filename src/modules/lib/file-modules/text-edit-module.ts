/** Probe and plan shared by lineinfile and blockinfile: edit the file's text, put the whole result. */
import type { Plan, PlanContext } from '../../types.js';
import { planFileContent } from '../plan/file-content-plan.js';
import { buildPathProbe, contentText, type PathState } from '../probe/path-probe.js';

export interface TextEditArgs {
  path: string;
  create: boolean;
  owner?: string;
  group?: string;
  mode?: string;
  backup: boolean;
  validate?: string;
}

/** The whole file is fetched: the edit is computed on the controller. */
export function probeTextFile(path: string): string {
  return buildPathProbe(path, { follow: true, checksum: true, contentLimit: Infinity, parent: true, realPath: true });
}

/**
 * Runs `edit` over the current text (empty for a missing file) and plans the put. A missing file
 * is created only with `create`; a symlink's target is edited, as in Ansible.
 */
export function planTextEdit(
  args: TextEditArgs,
  current: PathState,
  ctx: PlanContext,
  edit: (text: string) => { content: string; changed: boolean; message: string },
  removing: boolean,
): Plan {
  if (current.followedType === 'directory')
    return { changes: [], failed: `${args.path} is a directory; give the path of a file` };
  if (current.unreadable)
    return { changes: [], failed: `cannot read ${args.path} on the host; run the task with become: true` };
  const path = current.type === 'link' && current.realPath ? current.realPath : args.path;
  const exists = current.followedType === 'file';
  if (!exists) {
    if (removing) return { changes: [], result: { msg: 'file not present' } };
    if (!args.create) return { changes: [], failed: `${args.path} does not exist; set create: true to create it` };
  }
  const before = exists ? contentText(current) : '';
  if (before === undefined)
    return { changes: [], failed: `${args.path} is not a UTF-8 text file; it cannot be edited line by line` };
  const result = edit(before);
  const plan = planFileContent(
    {
      path,
      content: result.content,
      owner: args.owner,
      group: args.group,
      mode: args.mode,
      backup: args.backup,
      validate: args.validate,
      createParents: true,
      summary: result.message ? `${result.message}: ${path}` : undefined,
    },
    current,
  );
  return { ...plan, result: { msg: result.message } };
}
