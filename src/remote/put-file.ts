import { posix } from 'node:path';
import { quote } from './quote.js';

export interface PutFileOptions {
  path: string;
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
  validateInPlace?: string;
}

/**
 * The remote script that installs a file atomically. The content arrives on stdin and is written
 * to a temp file in the destination's directory, given its owner, group and mode (those of the
 * replaced file unless set), validated, then renamed over the destination, so no reader ever sees
 * a half-written file. Prints "backup=PATH" when it kept a backup.
 */
export function buildPutFileScript(options: PutFileOptions): string {
  const dest = quote(options.path);
  const lines = [
    'set -e',
    `dest=${dest}`,
    // Worked out here rather than by dirname on the host: one process fewer per put.
    `dir=${quote(posix.dirname(options.path))}`,
    'tmp=$(mktemp "$dir/.drover.XXXXXX")',
    `trap 'rm -f "$tmp"' EXIT`,
    'cat > "$tmp"',
    'if [ -e "$dest" ]; then chown --reference="$dest" "$tmp" 2>/dev/null || true; chmod --reference="$dest" "$tmp"; else chmod 0644 "$tmp"; fi',
  ];
  if (options.owner !== undefined) lines.push(`chown ${quote(options.owner)} "$tmp"`);
  if (options.group !== undefined) lines.push(`chgrp ${quote(options.group)} "$tmp"`);
  if (options.mode !== undefined) lines.push(`chmod ${quote(options.mode)} "$tmp"`);
  if (options.validate !== undefined) {
    const command = options.validate.split('%s').join('"$tmp"');
    lines.push(`if ! ( ${command} ) >&2; then echo "validation failed: ${escapeForDoubleQuotes(options.validate)}" >&2; exit 3; fi`);
  }
  if (options.backup) {
    // Two backups within one second must not overwrite each other: a counter keeps them apart.
    lines.push(
      'if [ -e "$dest" ]; then',
      '  stamp=$(date +%Y%m%d%H%M%S); b="$dest.$stamp~"; n=0',
      '  while [ -e "$b" ]; do n=$((n+1)); b="$dest.$stamp.$n~"; done',
      '  cp -p "$dest" "$b"; echo "backup=$b"',
      'fi',
    );
  }
  if (options.validateInPlace !== undefined) {
    lines.push(
      'prev=""; if [ -e "$dest" ]; then prev=$(mktemp "$dir/.drover-prev.XXXXXX"); cp -p "$dest" "$prev"; fi',
      'mv -f "$tmp" "$dest"',
      `if ! ( ${options.validateInPlace} ) >&2; then`,
      '  if [ -n "$prev" ]; then mv -f "$prev" "$dest"; else rm -f "$dest"; fi',
      `  echo "validation failed, previous file put back: ${escapeForDoubleQuotes(options.validateInPlace)}" >&2; exit 3`,
      'fi',
      '[ -z "$prev" ] || rm -f "$prev"',
    );
  } else {
    lines.push('mv -f "$tmp" "$dest"');
  }
  return lines.join('\n');
}

function escapeForDoubleQuotes(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`);
}
