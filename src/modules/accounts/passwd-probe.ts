/** Reads a user's or a group's account entries (getent, /etc/shadow) and parses them. */
import { quote } from '../../remote/quote.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface UserState {
  user?: PasswdEntry;
  /** The user's primary group, when its gid has an entry. */
  primaryGroup?: GroupEntry;
  /** Groups whose member list names the user. */
  memberOf: string[];
  /** Whether /etc/shadow could be read; the hash itself never leaves the host, only its sha256. */
  shadow: 'unreadable' | 'none' | 'present';
  /** The shadow password field starts with "!". */
  locked: boolean;
  /** sha256 (hex) of the shadow password field with leading "!" removed. */
  passwordSha256?: string;
}

export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const parts = line.split(':');
  if (parts.length < 7) return undefined;
  return {
    name: parts[0],
    uid: Number(parts[2]),
    gid: Number(parts[3]),
    comment: parts[4],
    home: parts[5],
    shell: parts.slice(6).join(':'),
  };
}

export function parseGroupLine(line: string): GroupEntry | undefined {
  const parts = line.split(':');
  if (parts.length < 4) return undefined;
  return { name: parts[0], gid: Number(parts[2]), members: parts[3] === '' ? [] : parts[3].split(',') };
}

/**
 * Sh printing the user's passwd line, its primary group, the groups listing it as a member and
 * (as root) a digest of its shadow password field. Reads only; the hash is hashed on the host.
 */
export function buildUserProbe(name: string): string {
  return [
    `u=${quote(name)}`,
    'p=$(getent passwd -- "$u") || exit 0',
    `printf 'passwd=%s\\n' "$p"`,
    `g=$(printf '%s\\n' "$p" | cut -d: -f4)`,
    `printf 'primary=%s\\n' "$(getent group -- "$g")"`,
    `getent group | U="$u" awk -F: '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == ENVIRON["U"]) { print "member=" $1; break } }'`,
    'if [ ! -r /etc/shadow ]; then echo shadow=unreadable; exit 0; fi',
    'if ! s=$(getent shadow -- "$u"); then echo shadow=none; exit 0; fi',
    'echo shadow=present',
    's=${s#*:}; s=${s%%:*}',
    `case $s in '!'*) echo locked=yes ;; *) echo locked=no ;; esac`,
    `while case $s in '!'*) true ;; *) false ;; esac; do s=\${s#!}; done`,
    `printf 'passwordsha256=%s\\n' "$(printf '%s' "$s" | sha256sum | cut -d' ' -f1)"`,
  ].join('\n');
}

export function parseUserProbe(stdout: string): UserState {
  const state: UserState = { memberOf: [], shadow: 'unreadable', locked: false };
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    if (key === 'passwd') state.user = parsePasswdLine(value);
    else if (key === 'primary' && value !== '') state.primaryGroup = parseGroupLine(value);
    else if (key === 'member') state.memberOf.push(value);
    else if (key === 'shadow') state.shadow = value as UserState['shadow'];
    else if (key === 'locked') state.locked = value === 'yes';
    else if (key === 'passwordsha256') state.passwordSha256 = value;
  }
  return state;
}

/** Sh printing `group=LINE` when the group exists, nothing otherwise. */
export function buildGroupProbe(name: string): string {
  return `if g=$(getent group -- ${quote(name)}); then printf 'group=%s\\n' "$g"; fi`;
}

export function parseGroupProbe(stdout: string): GroupEntry | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('group='));
  return line === undefined ? undefined : parseGroupLine(line.slice('group='.length));
}
