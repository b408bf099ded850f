import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { InventoryError } from './inventory-error.js';
import { isPlainMap } from './inventory-data.js';
import { readSourceText } from './read-source-text.js';
import { readYaml } from './read-yaml.js';

/** The group_vars/ and host_vars/ found beside one inventory source. */
export interface VarsLayer {
  dir: string;
  groups: Map<string, Record<string, unknown>>;
  hosts: Map<string, Record<string, unknown>>;
}

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

/**
 * Loads DIR/group_vars/NAME and DIR/host_vars/NAME for every known group and host, as Ansible's
 * host_group_vars plugin: the first of NAME (file or directory), NAME.yml, NAME.yaml, NAME.json;
 * a directory contributes its *.yml/*.yaml/*.json files (and extensionless ones), recursively, in
 * name order, later files replacing earlier keys.
 */
export function loadVarsLayer(dir: string, groups: string[], hosts: string[], warnings: string[]): VarsLayer {
  return {
    dir,
    groups: loadEntities(join(dir, 'group_vars'), groups, 'group', warnings),
    hosts: loadEntities(join(dir, 'host_vars'), hosts, 'host', warnings),
  };
}

function loadEntities(
  base: string,
  names: string[],
  kind: 'group' | 'host',
  warnings: string[],
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!isDirectory(base)) return out;
  for (const name of names) {
    const files = findVarsFiles(base, name);
    if (files.length === 0) continue;
    let vars: Record<string, unknown> = {};
    for (const file of files) vars = { ...vars, ...readVarsFile(file) };
    out.set(name, vars);
  }
  // A file named after no group or host is usually a typo; Ansible ignores it silently.
  const known = new Set(names);
  for (const entry of readdirSync(base).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const ext = extname(entry);
    const name = VARS_EXTENSIONS.includes(ext) ? entry.slice(0, -ext.length) : entry;
    if (!known.has(name))
      warnings.push(
        `${join(base, entry)}: no ${kind} named "${name}" in the inventory, so these variables apply to nothing`,
      );
  }
  return out;
}

function findVarsFiles(base: string, name: string): string[] {
  for (const ext of ['', ...VARS_EXTENSIONS]) {
    const path = join(base, name + ext);
    if (!existsSync(path)) continue;
    return isDirectory(path) ? listVarsDir(path) : [path];
  }
  return [];
}

function listVarsDir(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const path = join(dir, entry);
    const ext = extname(entry);
    if (isDirectory(path)) {
      if (!ext) found.push(...listVarsDir(path));
    } else if (!ext || VARS_EXTENSIONS.includes(ext)) found.push(path);
  }
  return found;
}

function readVarsFile(file: string): Record<string, unknown> {
  const source = readYaml(file, readSourceText(file), { kind: 'vars' });
  const value = source.value(source.doc.contents);
  if (value === null || value === undefined || value === '') return {};
  if (!isPlainMap(value)) {
    throw new InventoryError(
      `a variables file must hold a map of NAME: VALUE, found a ${Array.isArray(value) ? 'list' : typeof value}`,
      {
        ...source.at(source.doc.contents),
        hint: `write variables as "name: value" lines at the top level of ${relative(process.cwd(), file) || file}`,
      },
    );
  }
  return value;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
