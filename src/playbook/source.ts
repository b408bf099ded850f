import { readFileSync } from 'node:fs';
import { revealFileText } from '../vault/keyring.js';
import { VAULT_ERROR_PREFIX, vaultYamlTag } from '../vault/yaml-tag.js';
import { VaultError } from '../vault/vault-crypto.js';
import { findDuplicateKey } from './duplicate-keys.js';
import { findUnclosedStart } from './yaml-error-start.js';
import { correctPyyamlTags } from './pyyaml-tags.js';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { DroverError } from '../errors.js';
import type { SourceLocation } from '../tree/source-location.js';

/** Where something was written: file, 1-based line and column. */

/** Raised for YAML that cannot be parsed; carries the position and a code frame. */
export class YamlSyntaxError extends DroverError {
  override readonly kind = 'invalid-input' as const;
  override name = 'YamlSyntaxError';
  override report(): string {
    return `ERROR: ${this.location.file}:${this.location.line}:${this.location.column}: ${this.message}\n${this.frame}`;
  }

  constructor(
    message: string,
    readonly location: SourceLocation,
    readonly frame: string,
    options?: { cause?: unknown; hint?: string },
  ) {
    super(message, options);
    this.hint = options?.hint;
  }

  /** How to fix it, when there is more to say than the message. */
  readonly hint?: string;
}

/**
 * A parsed YAML file whose maps and lists remember where they were written, so every later
 * error can name the file, line and column of the task or field at fault.
 */
export interface YamlFile {
  file: string;
  text: string;
  value: unknown;
  /** Location of a map/list, of one key inside a map, or of one item (by index) of a list. */
  locate(node: unknown, key?: string | number): SourceLocation;
}

export function readYamlFile(file: string): YamlFile {
  let text: string;
  try {
    text = revealFileText(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if (error instanceof VaultError)
      throw new YamlSyntaxError(error.message, { file, line: 1, column: 1 }, '', { cause: error });
    throw new YamlSyntaxError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { file, line: 1, column: 1 },
      '',
      { cause: error },
    );
  }
  return parseYamlText(file, text);
}

export function parseYamlText(file: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  // YAML 1.1, as Ansible reads it: yes/no are booleans (y/n are not) and 0644 is octal.
  // Duplicate keys are looked for below, to name both places and the key.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false,
    customTags: (tags) => [...correctPyyamlTags(tags), vaultYamlTag(file)],
    schema: 'yaml-1.1',
  });
  const firstError = doc.errors[0];
  if (firstError) {
    const stoppedAt = firstError.pos[0];
    const reason = firstError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    if (reason.startsWith(VAULT_ERROR_PREFIX)) {
      const { line, col } = lineCounter.linePos(stoppedAt);
      throw new YamlSyntaxError(reason, { file, line, column: col }, codeFrame(text, line, col));
    }
    // The error is shown where the broken token starts; the message says where the parser stopped.
    const kind = /quote/.test(reason) ? 'quote' : /^Flow (map|sequence)/.test(reason) ? 'flow' : undefined;
    const opened = kind && findUnclosedStart(text, stoppedAt, kind);
    const stopped = lineCounter.linePos(stoppedAt);
    const { line, col } = lineCounter.linePos(opened ?? stoppedAt);
    const message =
      opened === undefined
        ? `YAML syntax error: ${reason}`
        : `YAML syntax error: ${reason}: ${kind === 'quote' ? 'the string that starts here is' : 'the braces that open here are'} never closed (the parser read on to line ${stopped.line}, column ${stopped.col})`;
    const hint = kind === 'quote' ? 'close the quote where the string ends' : 'close the { or [ where the value ends';
    throw new YamlSyntaxError(
      message,
      { file, line, column: col },
      codeFrame(text, line, col),
      opened === undefined ? {} : { hint },
    );
  }
  const duplicate = findDuplicateKey(doc);
  if (duplicate) {
    const { line, col } = lineCounter.linePos(duplicate.offset);
    const first = lineCounter.linePos(duplicate.firstOffset).line;
    const parent = duplicate.path.filter((key) => !/^\d+$/.test(key)).at(-1);
    const where = parent === undefined ? '' : ` under '${parent}'`;
    throw new YamlSyntaxError(
      `duplicate key '${duplicate.key}'${where}: it is also at line ${first}`,
      { file, line, column: col },
      codeFrame(text, line, col),
      {
        hint: 'remove one of the two (YAML keeps only one value per key; Ansible would silently use the last one)',
      },
    );
  }
  const nodePositions = new WeakMap<object, number>();
  const keyPositions = new WeakMap<object, Map<string, number>>();
  const itemPositions = new WeakMap<object, number[]>();
  const value = toJs(doc.contents as YamlNode | null, {
    doc,
    nodes: nodePositions,
    keys: keyPositions,
    items: itemPositions,
  });
  const at = (offset: number | undefined): SourceLocation => {
    if (offset === undefined) return { file, line: 1, column: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  return {
    file,
    text,
    value,
    locate(node, key) {
      if (node === null || typeof node !== 'object') return at(undefined);
      if (typeof key === 'number') {
        const itemOffset = itemPositions.get(node)?.[key];
        if (itemOffset !== undefined) return at(itemOffset);
      } else if (key !== undefined) {
        const keyOffset = keyPositions.get(node)?.get(key);
        if (keyOffset !== undefined) return at(keyOffset);
      }
      return at(nodePositions.get(node));
    },
  };
}

interface Walk {
  doc: Document;
  nodes: WeakMap<object, number>;
  keys: WeakMap<object, Map<string, number>>;
  items: WeakMap<object, number[]>;
}

function toJs(node: YamlNode | null, walk: Walk): unknown {
  const { nodes, keys } = walk;
  if (node === null || node === undefined) return null;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const positions = new Map<string, number>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(toJs(keyNode, walk));
      if (key === '<<') {
        // YAML merge key: copy the referenced map's entries under the ones written here.
        const merged = toJs(pair.value as YamlNode, walk);
        for (const source of Array.isArray(merged) ? merged : [merged]) {
          if (source && typeof source === 'object')
            for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
        }
        continue;
      }
      out[key] = toJs(pair.value as YamlNode | null, walk);
      if (keyNode?.range) positions.set(key, keyNode.range[0]);
    }
    if (node.range) nodes.set(out, node.range[0]);
    keys.set(out, positions);
    return out;
  }
  if (isSeq(node)) {
    const out = node.items.map((item) => toJs(item as YamlNode | null, walk));
    if (node.range) nodes.set(out, node.range[0]);
    walk.items.set(
      out,
      node.items.map((item) => (item as YamlNode | null)?.range?.[0] ?? node.range?.[0] ?? 0),
    );
    return out;
  }
  // An octal literal (mode: 0644) keeps its written form: modules read it as the octal mode the user wrote.
  if (isScalar(node)) return node.format === 'OCT' && typeof node.source === 'string' ? node.source : node.value;
  // Aliases resolve to their anchors' values.
  if (isAlias(node)) return toJs(node.resolve(walk.doc) as YamlNode | null, walk);
  return (node as { toJSON(): unknown }).toJSON();
}

/** A few lines of source around a position, with a caret under the column. */
export function codeFrame(text: string, line: number, column: number): string {
  const lines = text.split('\n');
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
