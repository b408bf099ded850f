/** Reads a user's crontab (crontab -l) or a cron file, read-only; and the command that installs a user crontab. */
import { quote } from '../../remote/quote.js';

export type CrontabState =
  | { kind: 'found'; text: string }
  /** No crontab for the user, or no cron file yet: both read as empty. */
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/** `-u USER` unless USER is who the command runs as (crontab refuses -u to non-root users). */
function userSelector(user: string | undefined): string {
  if (user === undefined) return 'set --';
  return `if [ "$(id -un)" = ${quote(user)} ]; then set --; else set -- -u ${quote(user)}; fi`;
}

export function buildCrontabProbe(target: { user?: string; file?: string }): string {
  if (target.file !== undefined) {
    const file = quote(target.file);
    return `if [ -f ${file} ]; then echo found; cat -- ${file}; elif [ -e ${file} ]; then echo 'error not a regular file'; else echo missing; fi`;
  }
  return [
    `if ! command -v crontab >/dev/null 2>&1; then echo 'error the crontab command is not installed (Debian package cron)'; exit 0; fi`,
    userSelector(target.user),
    'if crontab "$@" -l >/dev/null 2>&1; then echo found; crontab "$@" -l; exit 0; fi',
    'err=$(crontab "$@" -l 2>&1 >/dev/null | head -n 3 | tr "\\n" " ")',
    `case $err in *'no crontab for'*) echo missing ;; *) printf 'error %s\\n' "$err" ;; esac`,
  ].join('\n');
}

export function parseCrontabProbe(stdout: string): CrontabState {
  const newline = stdout.indexOf('\n');
  const first = newline < 0 ? stdout : stdout.slice(0, newline);
  if (first === 'found') return { kind: 'found', text: newline < 0 ? '' : stdout.slice(newline + 1) };
  if (first === 'missing') return { kind: 'missing' };
  if (first.startsWith('error ')) return { kind: 'error', message: first.slice('error '.length).trim() };
  return { kind: 'error', message: `unexpected answer from the crontab probe: ${first.slice(0, 200)}` };
}

/** Installs a user's crontab from stdin (the text never reaches a command line). */
export function buildCrontabInstall(user: string | undefined): string {
  return `${userSelector(user)}\ncrontab "$@" -`;
}
