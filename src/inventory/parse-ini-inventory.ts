import { expandHostRange, parseHostAddress } from './expand-host-range.js';
import { InventoryError } from './inventory-error.js';
import type { InventoryData, Origin } from './inventory-data.js';
import { parseIniValue } from './python-literal.js';
import { splitHostLine } from './split-host-line.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  state: 'vars' | 'children';
  line: number;
  parents: string[];
}

/**
 * Ansible's INI inventory: hosts before any section are ungrouped; [group] lists hosts with inline
 * key=value vars, [group:vars] sets group vars, [group:children] nests groups. Values are read
 * like Python literals (see parseIniValue). A group named in :children or :vars must be declared
 * somewhere in the same file.
 */
export function parseIniInventory(file: string, text: string, data: InventoryData): void {
  const lines = text.split(/\r?\n/);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    const origin: Origin = { file, line: lineNumber, column: raw.length - raw.trimStart().length + 1, text };
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      state = section[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) {
        throw new InventoryError(`section [${group}:${state}] has unknown type "${state}"`, {
          ...origin,
          hint: `use [${group}], [${group}:children] or [${group}:vars]`,
        });
      }
      if (!data.groups.has(group) && state === 'vars' && !pending.has(group))
        pending.set(group, { state: 'vars', line: lineNumber, parents: [] });
      data.addGroup(group);
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(data, group, pending, origin);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw new InventoryError(`invalid section header ${line}`, {
        ...origin,
        hint: 'write [group], [group:vars] or [group:children], with no spaces inside the brackets',
      });
    }
    if (line === '---' || /^[\w.-]+:(\s|$)/.test(line)) {
      throw new InventoryError(`"${line}" looks like YAML, but this file is read as an INI inventory`, {
        ...origin,
        hint: 'name the file with a .yml or .yaml extension, or write it in INI form ([group] then one host per line)',
      });
    }
    if (state === 'hosts') parseHostLine(data, group, line, origin);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq === -1)
        throw new InventoryError(`expected key=value in [${group}:vars], got "${line}"`, {
          ...origin,
          hint: 'write one variable per line: name=value',
        });
      const key = line.slice(0, eq).trim();
      data.setGroupVar(group, key, parseIniValue(line.slice(eq + 1).trim()), origin);
    } else {
      const match = GROUP_NAME.exec(line);
      if (!match)
        throw new InventoryError(`expected a group name in [${group}:children], got "${line}"`, {
          ...origin,
          hint: 'list one child group name per line',
        });
      const child = match[1];
      if (data.groups.has(child)) data.addChild(group, child, origin);
      else {
        const waiting = pending.get(child);
        if (waiting) waiting.parents.push(group);
        else pending.set(child, { state: 'children', line: lineNumber, parents: [group] });
      }
    }
  });
  for (const [name, waiting] of pending) {
    const origin: Origin = { file, line: waiting.line, text };
    if (waiting.state === 'vars') {
      throw new InventoryError(`section [${name}:vars] is for group "${name}", which is not declared`, {
        ...origin,
        hint: `declare the group with a [${name}] or [${name}:children] section (it may be empty), or fix the name`,
      });
    }
    throw new InventoryError(
      `section [${waiting.parents.at(-1)}:children] names group "${name}", which is not declared`,
      {
        ...origin,
        hint: `add a [${name}] section listing its hosts (it may be empty), or fix the name`,
      },
    );
  }
}

function addPendingChildren(data: InventoryData, group: string, pending: Map<string, Pending>, origin: Origin): void {
  const waiting = pending.get(group)!;
  pending.delete(group);
  for (const parent of waiting.parents) {
    data.addChild(parent, group, origin);
    const parentWaiting = pending.get(parent);
    if (parentWaiting?.state === 'children') addPendingChildren(data, parent, pending, origin);
  }
}

function parseHostLine(data: InventoryData, group: string, line: string, origin: Origin): void {
  let words: string[];
  try {
    words = splitHostLine(line);
  } catch (error) {
    throw new InventoryError(`cannot read host line "${line}": ${(error as Error).message}`, {
      ...origin,
      hint: 'close every quote: name="a b"',
      cause: error,
    });
  }
  if (words.length === 0) return;
  const [pattern, ...assignments] = words;
  const { name, port } = parseHostAddress(pattern);
  if (pattern.endsWith(':') && port === undefined) {
    throw new InventoryError(`host "${pattern}" ends in ":" without a port`, {
      ...origin,
      hint: 'write host:PORT, or remove the ":"',
    });
  }
  const vars: [string, unknown][] = [];
  for (const word of assignments) {
    const eq = word.indexOf('=');
    if (eq === -1) {
      throw new InventoryError(`expected key=value after host "${pattern}", got "${word}"`, {
        ...origin,
        hint: 'host variables are written name=value; quote values with spaces: motd="hello world"',
      });
    }
    vars.push([word.slice(0, eq), parseIniValue(word.slice(eq + 1))]);
  }
  let names: string[];
  try {
    names = expandHostRange(name);
  } catch (error) {
    if (error instanceof InventoryError)
      throw new InventoryError(error.problem, { ...origin, hint: error.hint, cause: error });
    throw error;
  }
  for (const host of names) {
    data.addHost(host, group, port);
    for (const [key, value] of vars) data.setHostVar(host, key, value);
  }
}
