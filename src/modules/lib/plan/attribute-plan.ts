/** chown/chgrp/chmod changes for a path whose owner, group or mode differ from the wanted ones. */
import { quote } from '../../../remote/quote.js';
import type { CommandChange } from '../../types.js';
import { resolveMode } from './file-mode.js';
import type { PathState } from '../probe/path-probe.js';

export interface WantedAttributes {
  owner?: string;
  group?: string;
  /** Four octal digits or a symbolic mode. */
  mode?: string;
}

export interface AttributeOptions {
  /** Change a symlink itself (chown -h) and never its mode. */
  linkItself?: boolean;
  /** Apply to everything below a directory too. */
  recurse?: boolean;
}

export function sameOwner(wanted: string, state: PathState): boolean {
  return wanted === state.owner || wanted === state.uid;
}

export function sameGroup(wanted: string, state: PathState): boolean {
  return wanted === state.group || wanted === state.gid;
}

/** Plans the attribute commands; `current` describes the path as it is (or will be, when just created). */
export function planAttributeChanges(
  path: string,
  wanted: WantedAttributes,
  current: PathState,
  options: AttributeOptions = {},
): CommandChange[] {
  const changes: CommandChange[] = [];
  const recurse = options.recurse && current.followedType === 'directory';
  const flags = `${options.linkItself ? '-h ' : ''}${recurse ? '-R ' : ''}`;
  const below = recurse ? ' (recursively)' : '';
  const mismatch = recurse ? current.recurseMismatch : undefined;
  if (wanted.owner !== undefined && (!sameOwner(wanted.owner, current) || mismatch?.owner)) {
    changes.push({
      kind: 'command',
      command: `chown ${flags}-- ${quote(wanted.owner)} ${quote(path)}`,
      summary: `set owner of ${path} to ${wanted.owner}${below}`,
      from: current.owner,
      to: wanted.owner,
    });
  }
  if (wanted.group !== undefined && (!sameGroup(wanted.group, current) || mismatch?.group)) {
    changes.push({
      kind: 'command',
      command: `chgrp ${flags}-- ${quote(wanted.group)} ${quote(path)}`,
      summary: `set group of ${path} to ${wanted.group}${below}`,
      from: current.group,
      to: wanted.group,
    });
  }
  if (wanted.mode !== undefined && !options.linkItself) {
    const isDirectory = current.followedType === 'directory';
    const target = resolveMode(wanted.mode, current.mode ?? (isDirectory ? '0755' : '0644'), isDirectory);
    if (target !== current.mode || mismatch?.mode) {
      changes.push({
        kind: 'command',
        command: `chmod ${recurse ? '-R ' : ''}-- ${quote(target)} ${quote(path)}`,
        summary: `set mode of ${path} to ${target}${below}`,
        from: current.mode,
        to: target,
      });
    }
  }
  return changes;
}
