/**
 * The shared plan of copy, template, lineinfile and blockinfile: put the whole file atomically
 * when its content differs (with a before/after diff), otherwise fix owner/group/mode alone.
 */
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { quote } from '../../../remote/quote.js';
import type { Change, FileDiff, Plan, Prerequisite, PutChange, PutContent } from '../../types.js';
import { planAttributeChanges, type WantedAttributes } from './attribute-plan.js';
import { resolveMode } from './file-mode.js';
import { decodeText } from '../probe/probe-fields.js';
import type { PathState } from '../probe/path-probe.js';

/** Content of files up to this size is fetched by the probe, so a diff can be shown. */
export const DIFF_CONTENT_LIMIT = 256 * 1024;

/**
 * The file wanted: its content, or (a large controller file) its source, which is compared by
 * sha256 and shown without a diff, as binary content is.
 */
export type ContentTarget = ContentTargetFields & PutContent;

interface ContentTargetFields extends WantedAttributes {
  path: string;
  backup?: boolean;
  /** Command run on the new file before it goes live; %s is its path. */
  validate?: string;
  /** false: leave an existing file's content alone. */
  force?: boolean;
  /** Create missing parent directories (lineinfile/blockinfile `create`). */
  createParents?: boolean;
  /** Describes the content change ("add line ... to /etc/x"); default: create/update content of PATH. */
  summary?: string;
}

export function sha256Hex(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function planFileContent(target: ContentTarget, current: PathState): Plan {
  const { path } = target;
  if (current.followedType === 'directory')
    return { changes: [], failed: `${path} is a directory; give the path of a file` };
  if (current.followedType === 'other') return { changes: [], failed: `${path} exists but is not a regular file` };
  if (current.unreadable)
    return { changes: [], failed: `cannot read ${path} on the host; run the task with become: true` };
  const exists = current.followedType === 'file';
  if (exists && target.force === false) return { changes: [] };

  const wantedHash = target.source ? target.source.sha256 : sha256Hex(target.content);
  const changes: Change[] = [];
  if (!exists) {
    if (current.parent !== 'directory') {
      const parent = dirname(path);
      if (target.createParents) {
        changes.push({
          kind: 'command',
          command: `mkdir -p -- ${quote(parent)}`,
          summary: `create directory ${parent}`,
          from: 'absent',
          to: 'directory',
        });
      }
    }
    changes.push({
      ...putContent(path, target, '0644'),
      summary: target.summary ?? `create ${path}`,
      from: 'absent',
      to: `sha256:${wantedHash.slice(0, 12)}`,
      diff: target.source ? undefined : buildDiff(path, Buffer.alloc(0), target.content),
    });
    return {
      changes,
      provides: [{ path }],
      ...(missingParent(current, target) ? { unmet: parentDirectoryNeeded(path) } : {}),
    };
  }

  if (current.sha256 !== wantedHash) {
    const note = current.contentOmitted
      ? ` (previous content not shown: larger than ${DIFF_CONTENT_LIMIT / 1024} KiB)`
      : '';
    changes.push({
      ...putContent(path, target, current.mode),
      backup: target.backup,
      summary: `${target.summary ?? `update content of ${path}`}${note}`,
      from: current.sha256 ? `sha256:${current.sha256.slice(0, 12)}` : undefined,
      to: `sha256:${wantedHash.slice(0, 12)}`,
      diff:
        current.content === undefined || target.source ? undefined : buildDiff(path, current.content, target.content),
    });
    return { changes };
  }
  return { changes: planAttributeChanges(path, target, current) };
}

function missingParent(current: PathState, target: ContentTarget): boolean {
  return current.parent !== 'directory' && !target.createParents;
}

/** The file's directory must exist first: an earlier task that creates it meets this. */
function parentDirectoryNeeded(path: string): Prerequisite {
  const parent = dirname(path);
  return {
    missing: `directory ${parent} does not exist on the host`,
    fix: `create it first (file: path=${parent} state=directory)`,
    providedBy: [{ path: parent }],
  };
}

/** The put of the wanted content with its attributes; a symbolic mode applies to the mode it replaces. */
function putContent(path: string, target: ContentTarget, modeNow: string | undefined): Unsummarised<PutChange> {
  const mode = target.mode === undefined ? undefined : resolveMode(target.mode, modeNow, false);
  const written: PutContent = target.source ? { source: target.source } : { content: target.content };
  return { kind: 'put', path, ...written, owner: target.owner, group: target.group, mode, validate: target.validate };
}

/** Omit<T, 'summary'> of each member of a union. */
type Unsummarised<T> = T extends unknown ? Omit<T, 'summary'> : never;

/** A before/after text diff, or undefined when either side is binary. */
export function buildDiff(path: string, before: string | Buffer, after: string | Buffer): FileDiff | undefined {
  const beforeText = typeof before === 'string' ? before : decodeText(before);
  const afterText = typeof after === 'string' ? after : decodeText(after);
  if (beforeText === undefined || afterText === undefined) return undefined;
  return { path, before: beforeText, after: afterText };
}
