/** A uWSGI vassal's ini file from structured options, and its secret env values masked for diffs. */
import { MASK } from '../../secrets/mask.js';

export type IniScalar = string | number | boolean;
export type IniOptions = Record<string, IniScalar | IniScalar[]>;

function renderValue(value: IniScalar): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** `[uwsgi]` with one `key = value` line per value (a list repeats the key), then `env = NAME=value` for each secret. */
export function renderVassalIni(name: string, options: IniOptions, secretEnv: Record<string, string>): string {
  const lines = [`# Managed by drover (uwsgi_emperor_vassal ${name}): changes made here are overwritten.`, '[uwsgi]'];
  for (const [key, value] of Object.entries(options)) {
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${key} = ${renderValue(item)}`);
  }
  for (const [key, value] of Object.entries(secretEnv)) lines.push(`env = ${key}=${value}`);
  return `${lines.join('\n')}\n`;
}

/** Replaces the value of every `env = NAME=...` line whose NAME is a secret, in any version of the file. */
export function maskSecretEnv(text: string, names: string[]): string {
  if (names.length === 0) return text;
  const secret = new Set(names);
  return text
    .split('\n')
    .map((line) => {
      const match = /^(\s*env\s*=\s*)([^=\s]+)=/.exec(line);
      return match && secret.has(match[2]) ? `${match[1]}${match[2]}=${MASK}` : line;
    })
    .join('\n');
}
