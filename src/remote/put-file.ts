import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { dashSafePath, quote } from './quote.js';

export interface PutFileOptions {
  path: string;
  /**
   * The content that is sent on stdin. Its size and sha256 are checked on the host before the
   * rename, so a transfer cut short (drover stopped, the connection lost) leaves the old file.
   * Without it (or source) nothing is checked.
   */
  content?: string | Buffer;
  /** Instead of content: the size and sha256 of the controller file that is streamed on stdin. */
  source?: { size: number; sha256: string };
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
  validateInPlace?: string;
}

/** Exit status of the put script when stdin did not carry the whole content. */
export const INCOMPLETE_TRANSFER_EXIT = 4;

/**
 * The remote script that installs a file atomically. The content arrives on stdin and is written
 * to a temp file in the destination's directory, checked against the size and sha256 the
 * controller sent, given its owner, group and mode (those of the replaced file unless set),
 * validated, then renamed over the destination, so no reader ever sees a half-written file and an
 * interrupted transfer never replaces it. Prints "backup=PATH" when it kept a backup.
 *
 * The temp file is `.drover.PID.XXXXXX`, PID being that of the shell writing it. The shell removes
 * it when it exits, also on SIGHUP, SIGINT, SIGPIPE and SIGTERM; a shell killed outright leaves it,
 * and the next put into that directory removes it once no process has that PID.
 */
export function buildPutFileScript(options: PutFileOptions): string {
  const path = dashSafePath(options.path);
  const lines = [
    'set -e',
    `dest=${quote(path)}`,
    // Worked out here rather than by dirname on the host: one process fewer per put.
    `dir=${quote(posix.dirname(path))}`,
    ...REMOVE_LEFTOVERS,
    'tmp=',
    `trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT`,
    // A trapped signal ends the shell through exit, which runs the EXIT trap.
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM",
    'tmp=$(mktemp "$dir/.drover.$$.XXXXXX")',
    'cat > "$tmp"',
  ];
  if (options.content !== undefined || options.source !== undefined) {
    const { size, sha256 } = options.source ?? digestOf(options);
    const code = quote(INCOMPLETE_TRANSFER_EXIT);
    lines.push(
      'size=$(wc -c < "$tmp")',
      `if ! [ "$size" -eq ${quote(size)} ] 2>/dev/null; then`,
      `  printf 'the file did not arrive whole (%s of %s bytes): the transfer was cut short, %s is left as it was\\n' "$size" ${quote(size)} "$dest" >&2; exit ${code}`,
      'fi',
      'sum=$(sha256sum < "$tmp")',
      `if [ "\${sum%% *}" != ${quote(sha256)} ]; then`,
      `  printf 'the file did not arrive intact (%s bytes, sha256 %s, expected %s): %s is left as it was\\n' "$size" "\${sum%% *}" ${quote(sha256)} "$dest" >&2; exit ${code}`,
      'fi',
    );
  }
  lines.push(
    'if [ -e "$dest" ]; then chown --reference="$dest" "$tmp" 2>/dev/null || true; chmod --reference="$dest" "$tmp"; else chmod 0644 "$tmp"; fi',
  );
  if (options.owner !== undefined) lines.push(`chown ${quote(options.owner)} "$tmp"`);
  if (options.group !== undefined) lines.push(`chgrp ${quote(options.group)} "$tmp"`);
  if (options.mode !== undefined) lines.push(`chmod ${quote(options.mode)} "$tmp"`);
  if (options.validate !== undefined) {
    const command = options.validate.split('%s').join('"$tmp"');
    lines.push(
      `if ! ( ${command} ) >&2; then echo "validation failed: ${escapeForDoubleQuotes(options.validate)}" >&2; exit 3; fi`,
    );
  }
  if (options.backup) {
    // Two backups within one second must not overwrite each other: a counter keeps them apart.
    lines.push(
      'if [ -e "$dest" ]; then',
      '  stamp=$(date +%Y%m%d%H%M%S); b="$dest.$stamp~"; n=0',
      '  while [ -e "$b" ]; do n=$((n+1)); b="$dest.$stamp.$n~"; done',
      '  cp -p -- "$dest" "$b"; echo "backup=$b"',
      'fi',
    );
  }
  if (options.validateInPlace !== undefined) {
    lines.push(
      'prev=""; if [ -e "$dest" ]; then prev=$(mktemp "$dir/.drover-prev.XXXXXX"); cp -p -- "$dest" "$prev"; fi',
      'mv -f -- "$tmp" "$dest"',
      `if ! ( ${options.validateInPlace} ) >&2; then`,
      '  if [ -n "$prev" ]; then mv -f -- "$prev" "$dest"; else rm -f -- "$dest"; fi',
      `  echo "validation failed, previous file put back: ${escapeForDoubleQuotes(options.validateInPlace)}" >&2; exit 3`,
      'fi',
      '[ -z "$prev" ] || rm -f "$prev"',
    );
  } else {
    lines.push('mv -f -- "$tmp" "$dest"');
  }
  return lines.join('\n');
}

/**
 * Removes the temp files that earlier puts into "$dir" left behind: only regular files named
 * exactly `.drover.PID.XXXXXX`, and only when the system says no process PID exists ("No such
 * process"; a process of another user, which kill may not signal, counts as alive), or when the
 * process with that PID started after the temp was last written (/proc: the PID came back as
 * another process). A put that is running now keeps its temp file.
 */
const REMOVE_LEFTOVERS = [
  'for left in "$dir"/.drover.*; do',
  '  [ -f "$left" ] && [ ! -h "$left" ] || continue',
  '  name=${left##*/.drover.}',
  '  case $name in *.??????) ;; *) continue ;; esac',
  '  pid=${name%.??????}; suffix=${name#"$pid".}',
  '  case $pid in ""|*[!0-9]*) continue ;; esac',
  '  case $suffix in *[!A-Za-z0-9]*) continue ;; esac',
  '  if why=$(LC_ALL=C; export LC_ALL; kill -0 "$pid" 2>&1); then',
  // Alive: but a zombie is not, and a process that started after the temp was last written is not
  // its writer (the PID came back).
  '    set -- $(cut -d")" -f2- "/proc/$pid/stat" 2>/dev/null | awk \'{ print $1, $20 }\')',
  '    [ "${1:-}" = Z ] && { rm -f "$left" 2>/dev/null; continue; }',
  '    st=${2:-}',
  '    bt=$(awk \'$1 == "btime" { print $2 }\' /proc/stat 2>/dev/null) || bt=',
  '    mt=$(stat -c %Y -- "$left" 2>/dev/null) || mt=',
  '    case $st$bt$mt in ""|*[!0-9]*) continue ;; esac',
  '    hz=$(getconf CLK_TCK 2>/dev/null) || hz=100',
  '    [ "$(( bt + st / hz ))" -gt "$mt" ] && rm -f "$left" 2>/dev/null',
  '    continue',
  '  fi',
  '  case $why in *[Nn]o\\ such\\ process*) rm -f "$left" 2>/dev/null || true ;; esac',
  'done',
];

const digests = new WeakMap<PutFileOptions, { content: string | Buffer; size: number; sha256: string }>();

/** Size and sha256 of the content; the engine builds a change's script more than once, so they are kept per change. */
function digestOf(options: PutFileOptions): { size: number; sha256: string } {
  const content = options.content!;
  const known = digests.get(options);
  if (known && known.content === content) return known;
  const digest = {
    content,
    size: typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
  };
  digests.set(options, digest);
  return digest;
}

function escapeForDoubleQuotes(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`);
}
