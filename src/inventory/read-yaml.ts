import { isAlias, LineCounter, parseDocument, type Document, type Node as YamlNode, type Tags } from 'yaml';
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
}

/**
 * Reads YAML the way Ansible's loader (PyYAML, YAML 1.1) does: yes/no/on/off are booleans,
 * 0644 is octal, 1:30 is 90; unlike Ansible, dates stay strings.
 */
export function readYaml(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.1', prettyErrors: false, uniqueKeys: false, customTags: pyyamlTags(file) });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const vault = error.message.startsWith(VAULT_ERROR_PREFIX);
    throw new InventoryError(vault ? error.message.split('\n')[0] : `YAML syntax error: ${error.message.split('\n')[0]}`, {
      file,
      line,
      column: col,
      text,
      hint: vault
        ? 'give the vault password with --vault-password-file FILE or DROVER_VAULT_PASSWORD_FILE (and check it is the one the value was encrypted with)'
        : 'fix the YAML at this position (indentation, a missing ":" or an unclosed quote are the usual causes)',
      cause: error,
    });
  }
  return {
    file,
    text,
    doc,
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
      for (let hops = 0; current && isAlias(current) && hops < 100; hops++) current = (current.resolve(doc) as YamlNode | undefined) ?? null;
      return current ?? null;
    },
  };
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
