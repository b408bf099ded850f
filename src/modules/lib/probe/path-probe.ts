/** The read-only probe of one path on a host, and its parsed form. */
import type { ProbeOutput } from '../../types.js';
import { quote } from '../../../remote/quote.js';
import { posix } from 'node:path';
import { createHash } from 'node:crypto';
import {
  decodeText,
  emitBase64,
  emitFileBase64,
  parseProbeFields,
  ProbeFormatError,
  readBase64Field,
} from './probe-fields.js';
import { DroverError } from '../../../errors.js';

export type PathType = 'file' | 'directory' | 'link' | 'other' | 'absent';

export interface PathProbeOptions {
  /** Report mode/owner/group of a symlink's target instead of the link itself. */
  follow?: boolean;
  /** sha256 of a regular file's content (following a final symlink). */
  checksum?: boolean;
  /** Fetch the content of a regular file of at most this many bytes (Infinity: always). */
  contentLimit?: number;
  /** Report the type of the parent directory. */
  parent?: boolean;
  /** Report the canonical path (symlinks resolved). */
  realPath?: boolean;
  /** Report whether anything below the path differs in owner/group/octal mode (recursive file state). */
  recurse?: { owner?: string; group?: string; mode?: string };
  /** Report the device:inode of this other path (hard links). */
  sameFileAs?: string;
}

export interface PathState {
  /** The type of the path itself (a symlink is `link`). */
  type: PathType;
  /** The type after following a final symlink (`absent` for a dangling link). */
  followedType: PathType;
  linkTarget?: string;
  /** Four octal digits. */
  mode?: string;
  owner?: string;
  uid?: string;
  group?: string;
  gid?: string;
  size?: number;
  /** device:inode */
  fileId?: string;
  sha256?: string;
  /** Raw content when it was fetched. */
  content?: Buffer;
  /** The content exists but was not fetched (larger than the limit). */
  contentOmitted?: boolean;
  unreadable?: boolean;
  parent?: PathType;
  realPath?: string;
  recurseMismatch?: { owner: boolean; group: boolean; mode: boolean };
  sameFileId?: string;
}

/** The path's state is unknown: a directory on the way to it cannot be searched by the probing user. */
export class PathDeniedError extends DroverError {
  constructor(readonly directory: string) {
    super(
      `permission denied: this task's user cannot look inside ${directory}, so what is there is unknown. Run the task as a user who can (become: true, or another become_user)`,
    );
    this.name = 'PathDeniedError';
  }
}

/** The directories above an absolute path, outermost first, without / (which everyone can search). */
function ancestorsOf(path: string): string[] {
  if (!path.startsWith('/')) return [];
  const out: string[] = [];
  for (let dir = posix.dirname(posix.normalize(path)); dir !== '/' && dir !== '.'; dir = posix.dirname(dir))
    out.unshift(dir);
  return out;
}

/** Sh setting VAR to the type of "$p" with test builtins only: no subshell, no external command. */
function setTypeOf(variable: string, links: boolean): string {
  const link = links ? `if [ -L "$p" ]; then ${variable}=link; el` : '';
  return `${link}if [ -d "$p" ]; then ${variable}=directory; elif [ -f "$p" ]; then ${variable}=file; elif [ -e "$p" ]; then ${variable}=other; else ${variable}=absent; fi`;
}

/**
 * POSIX sh that prints the state of PATH in the probe-fields format; exits 0 when PATH is missing.
 * Every external command costs a process on the host, and a converged run is made of probes, so
 * the script spends them sparingly: types come from test builtins, the parent directory is worked
 * out here, and fetched content is hashed by the controller instead of by sha256sum.
 */
export function buildPathProbe(path: string, options: PathProbeOptions = {}): string {
  const ancestors = ancestorsOf(path);
  const lines = [
    `p=${quote(path)}`,
    setTypeOf('t', true),
    setTypeOf('f', false),
    'echo "type=$t"; echo "ftype=$f"',
    // A path under a directory the user may not search looks absent; say which directory instead.
    ...(ancestors.length > 0
      ? [
          `if [ "$t" = absent ]; then for a in ${ancestors.map(quote).join(' ')}; do [ -d "$a" ] || break; [ -x "$a" ] || { ${emitBase64('denied64', 'printf %s "$a"')}; break; }; done; fi`,
        ]
      : []),
    `if [ "$t" = link ]; then ${emitBase64('target64', 'readlink -n -- "$p"')}; fi`,
  ];
  const statFlag = options.follow ? '-L ' : '';
  const statWhen = options.follow ? '[ "$f" != absent ]' : '[ "$t" != absent ]';
  const statFormat = "'size=%s\\nmode=%a\\nowner=%U\\nuid=%u\\ngroup=%G\\ngid=%g\\nid=%d:%i\\n'";
  // With a size limit on fetched content, the size is kept in $sz for the limit test below.
  const sizeLimited = options.contentLimit !== undefined && Number.isFinite(options.contentLimit);
  if (sizeLimited && options.follow) {
    lines.push(
      `sz=; if ${statWhen}; then if st=$(stat ${statFlag}--printf ${statFormat} -- "$p"); then printf '%s\\n' "$st"; sz=\${st#size=}; sz=\${sz%%[!0-9]*}; else echo staterr=1; fi; fi`,
    );
  } else {
    lines.push(`if ${statWhen}; then stat ${statFlag}--printf ${statFormat} -- "$p" || echo staterr=1; fi`);
    if (sizeLimited) lines.push(`sz=; if [ "$f" = file ]; then sz=$(stat -L -c %s -- "$p"); fi`);
  }
  if (options.checksum || options.contentLimit !== undefined) {
    const hashOnHost = `printf 'sha256='; sha256sum < "$p" || echo`;
    let body: string;
    if (options.contentLimit === undefined) body = hashOnHost;
    else {
      const fetch = emitFileBase64('content64', '"$p"');
      const whenTooBig = options.checksum ? `echo omitted=1; ${hashOnHost}` : 'echo omitted=1';
      body = sizeLimited
        ? `if [ "\${sz:-0}" -le ${Math.floor(options.contentLimit)} ]; then ${fetch}; else ${whenTooBig}; fi`
        : fetch;
    }
    lines.push(`if [ "$f" = file ]; then if [ -r "$p" ]; then ${body}; else echo unreadable=1; fi; fi`);
  }
  if (options.parent) {
    lines.push(
      `d=${quote(posix.dirname(path))}; if [ -d "$d" ]; then echo parent=directory; elif [ -e "$d" ]; then echo parent=other; else echo parent=absent; fi`,
    );
  }
  // Only a symlink can resolve elsewhere, as far as the callers care (they follow a final link).
  if (options.realPath)
    lines.push(`if [ "$t" = link ] && [ "$f" != absent ]; then ${emitBase64('real64', 'readlink -n -f -- "$p"')}; fi`);
  if (options.recurse) {
    const { owner, group, mode } = options.recurse;
    const count = (test: string) => `"$(find "$p" ${test} -print 2>/dev/null | head -n 1 | wc -l)"`;
    const checks: string[] = [];
    if (owner !== undefined)
      checks.push(
        `printf 'rowner=%s\\n' ${count(/^\d+$/.test(owner) ? `! -uid ${owner}` : `! -user ${quote(owner)}`)}`,
      );
    if (group !== undefined)
      checks.push(
        `printf 'rgroup=%s\\n' ${count(/^\d+$/.test(group) ? `! -gid ${group}` : `! -group ${quote(group)}`)}`,
      );
    if (mode !== undefined) checks.push(`printf 'rmode=%s\\n' ${count(`! -type l ! -perm ${quote(mode)}`)}`);
    if (checks.length > 0) lines.push(`if [ "$t" = directory ]; then ${checks.join('; ')}; fi`);
  }
  if (options.sameFileAs !== undefined) {
    lines.push(`printf 'srcid=%s\\n' "$(stat -L --printf '%d:%i' -- ${quote(options.sameFileAs)} 2>/dev/null)"`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

const TYPES = new Set<PathType>(['file', 'directory', 'link', 'other', 'absent']);

/**
 * Parses a path probe's output. Throws ProbeFormatError when the output is not a path probe's, and
 * PathDeniedError when the probing user could not see whether the path is there.
 */
export function parsePathState(output: ProbeOutput): PathState {
  const fields = parseProbeFields(output.stdout);
  const type = fields.get('type') as PathType | undefined;
  const followedType = fields.get('ftype') as PathType | undefined;
  if (output.code !== 0 || !type || !TYPES.has(type) || !followedType || !TYPES.has(followedType)) {
    throw new ProbeFormatError(`unexpected probe output (exit ${output.code}): ${output.stdout.slice(0, 200)}`);
  }
  const denied = readBase64Field(fields, 'denied64');
  if (denied) throw new PathDeniedError(denied.toString('utf8'));
  const state: PathState = { type, followedType };
  const text = (key: string) => readBase64Field(fields, key)?.toString('utf8');
  state.linkTarget = text('target64');
  const mode = fields.get('mode');
  if (mode !== undefined) state.mode = mode.padStart(4, '0');
  state.owner = fields.get('owner');
  state.uid = fields.get('uid');
  state.group = fields.get('group');
  state.gid = fields.get('gid');
  if (fields.has('size')) state.size = Number(fields.get('size'));
  state.fileId = fields.get('id');
  state.content = readBase64Field(fields, 'content64');
  // sha256sum prints "HASH  -"; fetched content is hashed here rather than on the host.
  state.sha256 =
    fields.get('sha256')?.split(' ')[0] ?? (state.content && createHash('sha256').update(state.content).digest('hex'));
  if (fields.get('omitted') === '1') state.contentOmitted = true;
  if (fields.get('unreadable') === '1') state.unreadable = true;
  const parent = fields.get('parent') as PathType | undefined;
  if (parent) state.parent = parent;
  state.realPath = text('real64');
  if (fields.has('rowner') || fields.has('rgroup') || fields.has('rmode')) {
    state.recurseMismatch = {
      owner: fields.get('rowner') === '1',
      group: fields.get('rgroup') === '1',
      mode: fields.get('rmode') === '1',
    };
  }
  const srcId = fields.get('srcid');
  if (srcId) state.sameFileId = srcId;
  return state;
}

/** The fetched content as text, or undefined when it was not fetched or is binary. */
export function contentText(state: PathState): string | undefined {
  return state.content === undefined ? undefined : decodeText(state.content);
}
