/**
 * PyYAML's yaml.dump, as Ansible's to_yaml and to_nice_yaml call it: keys sorted, sequences in a
 * mapping not indented, collections of scalars in flow style unless block style is asked for,
 * strings quoted only where YAML 1.1 would read them as something else, lines folded at 80.
 */
import { TemplateSyntaxError } from '../errors.js';
import { requireDefined } from '../jinja/undefined.js';
import { isMapping, typeName, unwrap } from './values.js';

export interface YamlOptions {
  /** Spaces per level (PyYAML's indent, 2 by default). */
  indent?: number;
  /** false: block style everywhere; undefined: flow style for collections of scalars only. */
  flowStyle?: boolean;
  width?: number;
}

const IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<|=|~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
];

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

const BREAKS = '\n\x85\u2028\u2029';

function printable(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (
    char === '\n' ||
    (code >= 0x20 && code <= 0x7e) ||
    char === '\x85' ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
    code >= 0x10000
  );
}

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

/** PyYAML's analyze_scalar: which styles can write this text. */
function analyze(text: string): Analysis {
  if (text === '') return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  let flowIndicators = text.startsWith('---') || text.startsWith('...');
  let blockIndicators = flowIndicators;
  let special = false;
  let lineBreaks = false;
  let spaceBreak = false;
  let breakSpace = false;
  const chars = [...text];
  chars.forEach((char, index) => {
    const next = chars[index + 1];
    const followedBySpace = next === undefined || next === ' ' || BREAKS.includes(next);
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) flowIndicators = blockIndicators = true;
      if (char === '?' || char === ':') {
        flowIndicators = true;
        if (followedBySpace) blockIndicators = true;
      }
      if (char === '-' && followedBySpace) flowIndicators = blockIndicators = true;
    } else {
      if (',?[]{}'.includes(char)) flowIndicators = true;
      if (char === ':') {
        flowIndicators = true;
        if (followedBySpace) blockIndicators = true;
      }
      if (char === '#' && chars[index - 1] === ' ') flowIndicators = blockIndicators = true;
    }
    if (BREAKS.includes(char)) lineBreaks = true;
    if (!printable(char)) special = true;
    if (char === ' ' && next !== undefined && BREAKS.includes(next)) spaceBreak = true;
    if (BREAKS.includes(char) && next === ' ') breakSpace = true;
  });
  const edges = /^[ \n\x85\u2028\u2029]|[ \n\x85\u2028\u2029]$/.test(text);
  let flowPlain = !flowIndicators && !edges && !lineBreaks && !breakSpace && !special;
  let blockPlain = !blockIndicators && !edges && !lineBreaks && !breakSpace && !special;
  if (spaceBreak) flowPlain = blockPlain = false;
  return { multiline: lineBreaks, flowPlain, blockPlain, singleQuoted: !special && !spaceBreak && !breakSpace };
}

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  private flowLevel = 0;

  constructor(
    private readonly best: number,
    private readonly width: number,
    private readonly flowStyle: boolean | undefined,
  ) {}

  write(text: string): void {
    this.out += text;
    this.column += text.length;
    this.whitespace = false;
    this.indention = false;
  }

  lineBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
  }

  writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.out += ' '.repeat(indent - this.column);
      this.column = indent;
      this.whitespace = true;
    }
  }

  indicator(text: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? text : ` ${text}`;
    this.out += data;
    this.column += data.length;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
  }

  private isFlow(value: unknown): boolean {
    const items = Array.isArray(value) ? value : Object.values(value as object);
    if (items.length === 0) return true;
    if (this.flowStyle === false) return false;
    return items.every((item) => !isCollection(item));
  }

  /** A node at this indent; `mapping` when it is a mapping's value, `simpleKey` for keys. */
  node(input: unknown, indent: number | undefined, context: { mapping?: boolean; simpleKey?: boolean } = {}): void {
    const value = unwrap(requireDefined(input));
    if (Array.isArray(value)) {
      if (this.flowLevel > 0 || this.isFlow(value)) this.flowSequence(value, indent);
      else this.blockSequence(value, indent, context.mapping === true);
    } else if (isMapping(value)) {
      if (this.flowLevel > 0 || this.isFlow(value)) this.flowMapping(value, indent);
      else this.blockMapping(value, indent);
    } else this.scalar(value, indent, context.simpleKey === true);
  }

  private nextIndent(indent: number | undefined, flow: boolean): number {
    return indent === undefined ? (flow ? this.best : 0) : indent + this.best;
  }

  private blockSequence(items: unknown[], indent: number | undefined, inMapping: boolean): void {
    const own = inMapping && !this.indention ? (indent ?? 0) : this.nextIndent(indent, false);
    for (const item of items) {
      this.writeIndent(own);
      this.indicator('-', true, false, true);
      this.node(item, own);
    }
  }

  private blockMapping(mapping: Record<string, unknown>, indent: number | undefined): void {
    const own = this.nextIndent(indent, false);
    for (const key of Object.keys(mapping).sort()) {
      this.writeIndent(own);
      this.node(key, own, { simpleKey: true });
      this.indicator(':', false);
      this.node(mapping[key], own, { mapping: true });
    }
  }

  private flowSequence(items: unknown[], indent: number | undefined): void {
    this.indicator('[', true, true);
    this.flowLevel++;
    const own = this.nextIndent(indent, true);
    items.forEach((item, index) => {
      if (index > 0) this.indicator(',', false);
      if (this.column > this.width) this.writeIndent(own);
      this.node(item, own);
    });
    this.flowLevel--;
    this.indicator(']', false);
  }

  private flowMapping(mapping: Record<string, unknown>, indent: number | undefined): void {
    this.indicator('{', true, true);
    this.flowLevel++;
    const own = this.nextIndent(indent, true);
    Object.keys(mapping)
      .sort()
      .forEach((key, index) => {
        if (index > 0) this.indicator(',', false);
        if (this.column > this.width) this.writeIndent(own);
        this.node(key, own, { simpleKey: true });
        this.indicator(':', false);
        this.node(mapping[key], own);
      });
    this.flowLevel--;
    this.indicator('}', false);
  }

  /** Writes a scalar; returns whether it was written plain. */
  scalar(value: unknown, indent: number | undefined, simpleKey: boolean): boolean {
    const text = representScalar(value);
    const implicit = typeof value !== 'string' || !IMPLICIT.some((pattern) => pattern.test(text));
    const analysis = analyze(text);
    const scalarIndent = this.nextIndent(indent, true);
    const plainAllowed = this.flowLevel > 0 ? analysis.flowPlain : analysis.blockPlain;
    if (implicit && plainAllowed && !(simpleKey && (text === '' || analysis.multiline)) && text !== '') {
      this.plain(text, scalarIndent, !simpleKey);
      return true;
    }
    if (analysis.singleQuoted && !(simpleKey && analysis.multiline)) this.singleQuoted(text, scalarIndent, !simpleKey);
    else this.doubleQuoted(text);
    return false;
  }

  /** PyYAML's write_plain: a single space past the width becomes a line break. */
  private plain(text: string, indent: number, split: boolean): void {
    if (!this.whitespace) this.write(' ');
    let spaces = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const char = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (char !== ' ') {
          if (start + 1 === end && this.column > this.width && split) this.writeIndent(indent);
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (char === undefined || char === ' ') {
        this.write(text.slice(start, end));
        start = end;
      }
      spaces = char === ' ';
    }
  }

  /** PyYAML's write_single_quoted: '' for a quote, a blank line for each line break. */
  private singleQuoted(text: string, indent: number, split: boolean): void {
    this.indicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const char = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (char !== ' ') {
          if (start + 1 === end && this.column > this.width && split && start !== 0 && end !== text.length)
            this.writeIndent(indent);
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (char === undefined || !BREAKS.includes(char)) {
          if (text[start] === '\n') this.lineBreak();
          for (let i = start; i < end; i++) this.lineBreak();
          this.writeIndent(indent);
          start = end;
        }
      } else if ((char === undefined || char === ' ' || BREAKS.includes(char) || char === "'") && start < end) {
        this.write(text.slice(start, end));
        start = end;
      }
      if (char === "'") {
        this.write("''");
        start = end + 1;
      }
      spaces = char === ' ';
      breaks = char !== undefined && BREAKS.includes(char);
    }
    this.indicator("'", false);
  }

  private doubleQuoted(text: string): void {
    this.indicator('"', true);
    let body = '';
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (Object.hasOwn(ESCAPES, char) && (char === '"' || char === '\\' || !printable(char) || BREAKS.includes(char)))
        body += `\\${ESCAPES[char]}`;
      else if (!printable(char))
        body +=
          code <= 0xff
            ? `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`
            : code <= 0xffff
              ? `\\u${code.toString(16).padStart(4, '0').toUpperCase()}`
              : `\\U${code.toString(16).padStart(8, '0').toUpperCase()}`;
      else body += char;
    }
    this.write(body);
    this.indicator('"', false);
  }
}

function isCollection(value: unknown): boolean {
  const item = unwrap(value);
  return Array.isArray(item) || isMapping(item);
}

function representScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'string') return value;
  throw new TemplateSyntaxError(`cannot represent an object of type ${typeName(value)} in YAML`);
}

export function yamlDump(value: unknown, options: YamlOptions = {}): string {
  const emitter = new Emitter(options.indent ?? 2, options.width ?? 80, options.flowStyle);
  const root = unwrap(requireDefined(value));
  if (!isCollection(root)) {
    const plain = emitter.scalar(root, undefined, false);
    return `${emitter.out}\n${plain ? '...\n' : ''}`;
  }
  emitter.node(root, undefined);
  return `${emitter.out}\n`;
}
