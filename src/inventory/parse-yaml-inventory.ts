import { isMap, isScalar, type Node as YamlNode, type Pair } from 'yaml';
import { expandHostRange, parseHostAddress } from './expand-host-range.js';
import { InventoryError } from './inventory-error.js';
import { isPlainMap, type InventoryData } from './inventory-data.js';
import type { YamlSource } from './read-yaml.js';

const SECTIONS = ['hosts', 'children', 'vars'];

/**
 * Ansible's YAML inventory: top-level keys are groups; each group may have `hosts` (host -> vars
 * or nothing), `children` (nested groups, any depth) and `vars`.
 */
export function parseYamlInventory(source: YamlSource, data: InventoryData): void {
  const root = source.resolve(source.doc.contents);
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return;
  if (!isMap(root)) {
    throw new InventoryError('a YAML inventory must be a map of group names (usually starting with "all:")', {
      ...source.at(root),
      hint: 'write all:\\n  hosts:\\n    web1:\\n  children:\\n    webservers:\\n      hosts:\\n        web2:',
    });
  }
  const plugin = root.items.find((pair) => keyOf(pair) === 'plugin');
  if (plugin) {
    throw new InventoryError(
      `this is an inventory plugin configuration (plugin: ${String(source.value(plugin.value as YamlNode))}), which drover does not run`,
      {
        ...source.at(plugin.key as YamlNode),
        hint: "export the plugin's result once with `ansible-inventory -i THIS_FILE --list --yaml > hosts.yml` and use that file",
      },
    );
  }
  for (const pair of root.items) parseGroup(source, data, keyOf(pair), pair);
}

function parseGroup(source: YamlSource, data: InventoryData, name: string, pair: Pair): void {
  const node = source.resolve(pair.value);
  data.addGroup(name);
  if (node === null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    data.warnings.push(
      `${where(source, pair.key)}: skipping "${name}": a group must be a map with hosts, children or vars`,
    );
    return;
  }
  for (const item of node.items) {
    const key = keyOf(item);
    let value = source.resolve(item.value);
    if (!SECTIONS.includes(key)) {
      const hint =
        value === null || isMap(value) || (isScalar(value) && value.value === null)
          ? ` (if "${key}" is a host, put it under "hosts:"; if it is a group, under "children:")`
          : '';
      data.warnings.push(
        `${where(source, item.key)}: skipping unexpected key "${key}" in group "${name}": only hosts, children and vars are valid${hint}`,
      );
      continue;
    }
    if (value === null || (isScalar(value) && value.value === null)) continue;
    // `hosts: web1` is short for `hosts: {web1: null}`, as in Ansible.
    if (isScalar(value) && typeof value.value === 'string') {
      addSectionEntry(source, data, name, key, String(value.value), null, value);
      continue;
    }
    if (!isMap(value)) {
      throw new InventoryError(
        `"${key}" of group "${name}" must be a map, found a ${isScalar(value) ? typeof value.value : 'list'}`,
        {
          ...source.at(value),
          hint:
            key === 'vars'
              ? 'write vars as NAME: VALUE lines'
              : `write each entry as a key ending in ":" under ${key}:, e.g. "  web1:" (a "- web1" list is not valid)`,
        },
      );
    }
    for (const entry of value.items as Pair[])
      addSectionEntry(source, data, name, key, keyOf(entry), entry, entry.key as YamlNode);
  }
}

function addSectionEntry(
  source: YamlSource,
  data: InventoryData,
  group: string,
  section: string,
  key: string,
  entry: Pair | null,
  keyNode: YamlNode | null,
): void {
  if (section === 'vars') {
    data.setGroupVar(group, key, source.value(source.resolve(entry?.value)), source.at(keyNode));
    return;
  }
  if (section === 'children') {
    if (entry) parseGroup(source, data, key, entry);
    else data.addGroup(key);
    data.addChild(group, key, source.at(keyNode));
    return;
  }
  const vars = entry ? source.value(source.resolve(entry.value)) : null;
  if (vars !== null && !isPlainMap(vars)) {
    throw new InventoryError(`host "${key}" in group "${group}" must have a map of variables or nothing after it`, {
      ...source.at(keyNode),
      hint: `write "${key}:" alone, or with variables indented below it (ansible_host: 10.0.0.5)`,
    });
  }
  const { name, port } = parseHostAddress(key);
  let names: string[];
  try {
    names = expandHostRange(name);
  } catch (error) {
    if (error instanceof InventoryError)
      throw new InventoryError(error.problem, { ...source.at(keyNode), hint: error.hint, cause: error });
    throw error;
  }
  for (const host of names) {
    data.addHost(host, group, port);
    for (const [k, v] of Object.entries(vars ?? {})) data.setHostVar(host, k, v);
  }
}

function keyOf(pair: Pair): string {
  const key = pair.key as YamlNode | null;
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function where(source: YamlSource, node: unknown): string {
  const at = source.at(node as YamlNode);
  return at.line === undefined ? at.file : `${at.file}:${at.line}`;
}
