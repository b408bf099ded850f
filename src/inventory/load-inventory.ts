import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { isMap } from 'yaml';
import { InventoryData } from './inventory-data.js';
import { InventoryError } from './inventory-error.js';
import { InventoryModel } from './inventory-model.js';
import { loadVarsLayer } from './load-vars-dirs.js';
import { parseHostList } from './parse-host-list.js';
import { parseIniInventory } from './parse-ini-inventory.js';
import { parseYamlInventory } from './parse-yaml-inventory.js';
import { readSourceText } from './read-source-text.js';
import { assertNoDuplicateKeys, readYaml } from './read-yaml.js';
import type { Inventory } from './types.js';

/** Directory entries that are never inventory files (Ansible's ignore list, except that .ini files are read). */
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins']);
const IGNORED_ENDINGS = ['~', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry', '.bak', '.swp', '.pyc', '.pyo', '.rpm'];
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/**
 * Loads inventory sources in order (files, directories, or "host1,host2," lists) into one
 * inventory, with the group_vars/ and host_vars/ beside each file or inside each directory.
 */
export async function loadInventory(sources: string[]): Promise<Inventory> {
  const data = new InventoryData();
  const varsDirs: string[] = [];
  for (const source of sources) {
    if (!existsSync(source)) {
      if (source.includes(',')) {
        parseHostList(source, data);
        continue;
      }
      throw new InventoryError(`inventory source "${source}" does not exist`, {
        hint: `give an inventory file or directory; for a single host, add a comma: -i '${source},'`,
      });
    }
    if (statSync(source).isDirectory()) {
      loadDirectory(source, data);
      varsDirs.push(resolve(source));
    } else {
      loadFile(source, data);
      varsDirs.push(resolve(dirname(source)));
    }
  }
  data.reconcile();
  const groups = [...data.groups.keys()];
  const hosts = [...data.hosts.keys()];
  const layers = [...new Set(varsDirs)].map((dir) => loadVarsLayer(dir, groups, hosts, data.warnings));
  return new InventoryModel(data, layers);
}

function loadDirectory(dir: string, data: InventoryData): void {
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || IGNORED_NAMES.has(entry) || IGNORED_ENDINGS.some((end) => entry.endsWith(end)))
      continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) loadDirectory(path, data);
    else loadFile(path, data);
  }
}

/** .yml/.yaml/.json are YAML, .ini is INI; any other file is YAML if it reads as a YAML map, else INI. */
export function loadFile(file: string, data: InventoryData): void {
  const text = readSourceText(file);
  const ext = extname(file).toLowerCase();
  if (text.startsWith('#!')) {
    throw new InventoryError('this looks like a dynamic inventory script, which drover does not run', {
      file,
      line: 1,
      hint: 'save its output once (`./SCRIPT --list`, or `ansible-inventory -i SCRIPT --list --yaml > hosts.yml`) and use that file',
    });
  }
  if (YAML_EXTENSIONS.includes(ext)) {
    parseYamlInventory(readYaml(file, text), data);
    return;
  }
  if (ext !== '.ini') {
    const yaml = tryYamlMap(file, text);
    if (yaml) {
      parseYamlInventory(yaml, data);
      return;
    }
  }
  parseIniInventory(file, text, data);
}

function tryYamlMap(file: string, text: string) {
  let source;
  try {
    source = readYaml(file, text, { allowDuplicateKeys: true });
  } catch {
    return undefined;
  }
  if (!isMap(source.resolve(source.doc.contents))) return undefined;
  // It is a YAML inventory: a duplicate key is its error, not a reason to read it as INI.
  assertNoDuplicateKeys(source);
  return source;
}
