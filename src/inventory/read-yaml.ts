import { isAlias, LineCounter, parseDocument, type Document, type Node as YamlNode, type Tags } from 'yaml';
import { findDuplicateKey } from '../playbook/duplicate-keys.js';
import { correctPyyamlTags } from '../playbook/pyyaml-tags.js';
import { VAULT_ERROR_PREFIX, vaultYamlTag } from '../vault/yaml-tag.js';
import { InventoryError } from './inventory-error.js';

/** A parsed YAML file that can say where each node was written. */
export interface YamlSource {
  file: string;
  text: string;
  doc: Document;
  /** 1-based line and column of a node. */
  at(node: YamlNode | null | undefined): { file: string; line?: number; column?: number; text: string };
  /** The node's plain value; aliases and merge keys resolved, `!vault` values decrypted. */
  value(node: YamlNode | null | undefined): unknown;
  /** Follows an alias to its anchored node. */
  resolve(node: unknown): YamlNode | null;
  /** 1-based line and column of an offset in the text. */
  linePos(offset: number): { line: number; col: number };
}

export interface ReadYamlOptions {
  /** What the file holds, for the wording of a duplicate key (default: an inventory). */
  kind?: 'inventory' | 'vars';
  /** Leave duplicate keys to a later assertNoDuplicateKeys (default: they are an error here). */
  allowDuplicateKeys?: boolean;
}

/**
 * Reads YAML the way Ansible's loader (PyYAML, YAML 1.1) does: yes/no/on/off are booleans,
 * 0644 is octal, 1:30 is 90; unlike Ansible, dates stay strings. Unlike PyYAML, which keeps
 * the last of two equal keys in a map, a duplicate key is an error naming both lines.
 */
export function readYaml(file: string, text: string, options: ReadYamlOptions = {}): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    version: '1.1',
    prettyErrors: false,
    uniqueKeys: false,
    customTags: pyyamlTags(file),
  });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const vault = error.message.startsWith(VAULT_ERROR_PREFIX);
    throw new InventoryError(
      vault ? error.message.split('\n')[0] : `YAML syntax error: ${error.message.split('\n')[0]}`,
      {
        file,
        line,
        column: col,
        text,
        hint: vault
          ? 'give the vault password with --vault-password-file FILE or DROVER_VAULT_PASSWORD_FILE (and check it is the one the value was encrypted with)'
          : 'fix the YAML at this position (indentation, a missing ":" or an unclosed quote are the usual causes)',
        cause: error,
      },
    );
  }
  const source: YamlSource = {
    file,
    text,
    doc,
    linePos: (offset) => lineCounter.linePos(offset),
    at(node) {
      const offset = node?.range?.[0];
      if (offset === undefined) return { file, text };
      const { line, col } = lineCounter.linePos(offset);
      return { file, line, column: col, text };
    },
    value(node) {
      if (node === null || node === undefined) return null;
      return node.toJS(doc, { maxAliasCount: 1000 });
    },
    resolve(node) {
      let current = node as YamlNode | null;
      for (let hops = 0; current && isAlias(current) && hops < 100; hops++)
        current = (current.resolve(doc) as YamlNode | undefined) ?? null;
      return current ?? null;
    },
  };
  if (!options.allowDuplicateKeys) assertNoDuplicateKeys(source, options.kind);
  return source;
}

/**
 * A key written twice in one map is an error at the second one. In an inventory, the same host
 * twice under one group's `hosts:` is named as such; a host in two groups is of course fine.
 */
export function assertNoDuplicateKeys(source: YamlSource, kind: ReadYamlOptions['kind'] = 'inventory'): void {
  const duplicate = findDuplicateKey(source.doc);
  if (!duplicate) return;
  const { line, col } = source.linePos(duplicate.offset);
  const first = source.linePos(duplicate.firstOffset).line;
  const { key, path } = duplicate;
  const section = path.at(-1);
  const group = path.at(-2);
  const details = { file: source.file, line, column: col, text: source.text };
  if (kind === 'inventory' && group !== undefined && section === 'hosts') {
    throw new InventoryError(`host "${key}" is listed twice in the hosts of group "${group}" (also at line ${first})`, {
      ...details,
      hint: 'remove one of the two entries and merge their variables (Ansible would silently keep only the last one, with its variables)',
    });
  }
  if (kind === 'inventory' && group !== undefined && section === 'children') {
    throw new InventoryError(
      `group "${key}" is listed twice in the children of group "${group}" (also at line ${first})`,
      {
        ...details,
        hint: 'remove one of the two entries and merge what they hold (Ansible would silently keep only the last one)',
      },
    );
  }
  const where = path.length > 0 ? ` in ${path.join('.')}` : '';
  throw new InventoryError(`duplicate key "${key}"${where} (also at line ${first})`, {
    ...details,
    hint: 'remove one of the two (YAML keeps only one value per key; Ansible would silently keep the last one)',
  });
}

/** PyYAML's reading of YAML 1.1, plus the tags Ansible inventories use. */
function pyyamlTags(file: string) {
  return (tags: Tags): Tags => {
    const out = correctPyyamlTags(tags);
    out.push(
      vaultYamlTag(file),
      // Ansible's "do not template this" marker; drover keeps the string as written.
      { tag: '!unsafe', resolve: (value: string) => value },
    );
    return out;
  };
}
