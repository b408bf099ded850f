import { isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';

/** A key written twice in one YAML map. */
export interface DuplicateKey {
  key: string;
  /** Keys from the document's root down to the map holding the duplicate (list items as their index). */
  path: string[];
  /** Offset of the second occurrence, and of the first. */
  offset: number;
  firstOffset: number;
}

/**
 * The first key written twice in one map of the document, in document order. PyYAML (Ansible's
 * loader) silently keeps the last value; drover names both places instead. `<<` merge keys are
 * not keys of their own and are skipped; anchors are walked where they are defined, not where an
 * alias repeats them.
 */
export function findDuplicateKey(doc: Document): DuplicateKey | undefined {
  return walk(doc.contents as YamlNode | null, []);
}

function walk(node: YamlNode | null | undefined, path: string[]): DuplicateKey | undefined {
  if (!node) return undefined;
  if (isMap(node)) {
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key !== undefined && key !== '<<') {
        const offset = keyNode?.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first !== undefined) return { key, path, offset, firstOffset: first };
        seen.set(key, offset);
      }
      const found = walk(keyNode, path) ?? walk(pair.value as YamlNode | null, [...path, key ?? '?']);
      if (found) return found;
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const found = walk(item as YamlNode | null, [...path, String(index)]);
      if (found) return found;
    }
  }
  return undefined;
}
