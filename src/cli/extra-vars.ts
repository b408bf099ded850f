import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseKeyValueArgs } from '../playbook/parse-free-form.js';
import { UsageError } from './exit-codes.js';

/**
 * -e values, merged in order: `@file.yml` (YAML or JSON file), a JSON/YAML map `{"a": 1}`, or
 * `key=value key2=value2` (values stay strings, as in Ansible).
 */
export function parseExtraVars(values: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const value of values) {
    if (value.startsWith('@')) {
      const file = value.slice(1);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(
          `-e ${value}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
          { cause: error },
        );
      }
      Object.assign(out, readMap(text, `-e ${value}`));
    } else if (value.trim().startsWith('{')) {
      Object.assign(out, readMap(value, '-e'));
    } else {
      const parsed = parseKeyValueArgs(value);
      if (!parsed) throw new UsageError(`-e '${value}': expected KEY=VALUE, @file.yml or a JSON map`);
      for (const [key, item] of Object.entries(parsed)) out[key] = typeof item === 'string' ? item : String(item);
    }
  }
  return out;
}

function readMap(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${what}: not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`${what}: must be a map of variable names to values`);
  return value as Record<string, unknown>;
}
