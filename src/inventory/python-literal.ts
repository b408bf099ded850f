/**
 * Ansible reads every INI inventory value with Python's ast.literal_eval and keeps the raw text
 * when that fails. This is the same rule for the literals that occur in inventories: numbers,
 * quoted strings, True/False/None, lists, tuples, dicts and sets (tuples and sets become lists).
 * `8080` -> 8080, `'8080'` -> "8080", `True` -> true, `true` -> "true", `a b` -> "a b".
 */
import { DroverError } from '../errors.js';
export function parseIniValue(text: string): unknown {
  try {
    const parser = new LiteralParser(text);
    return parser.parseAll();
  } catch (error) {
    if (error instanceof NotALiteral) return text;
    throw error;
  }
}

class NotALiteral extends DroverError {}

const DIGITS = String.raw`\d(?:_?\d)*`;
const INT = new RegExp(
  String.raw`^(?:0(?:_?0)*|[1-9](?:_?\d)*|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)$`,
);
const EXPONENT = `[eE][+-]?${DIGITS}`;
// A float needs a point or an exponent: 0644 alone is a SyntaxError in Python 3, so it stays text.
const FLOAT = new RegExp(`^(?:(?:(?:${DIGITS})?\\.${DIGITS}|${DIGITS}\\.)(?:${EXPONENT})?|${DIGITS}${EXPONENT})$`);
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parseAll(): unknown {
    // A leading space is an IndentationError for Python, so the text stays as it is.
    if (/^\s/.test(this.text)) throw new NotALiteral();
    const value = this.parseSequence(undefined);
    this.skipSpace();
    if (this.pos < this.text.length) throw new NotALiteral();
    return value;
  }

  /** expr (, expr)* [,] up to `closer` or the end of the text. */
  private parseItems(closer: string | undefined): { items: unknown[]; comma: boolean } {
    const items: unknown[] = [];
    let comma = false;
    while (true) {
      this.skipSpace();
      if (this.pos >= this.text.length || (closer && this.peek() === closer)) break;
      items.push(this.parseValue());
      this.skipSpace();
      if (this.peek() !== ',') break;
      this.pos++;
      comma = true;
    }
    return { items, comma };
  }

  /** A bare comma list is a tuple; a single expression is itself. */
  private parseSequence(closer: string | undefined): unknown {
    const { items, comma } = this.parseItems(closer);
    if (comma) return items;
    if (items.length === 1) return items[0];
    if (closer === ')') return [];
    throw new NotALiteral();
  }

  private parseValue(): unknown {
    this.skipSpace();
    const c = this.peek();
    if (c === '[') return this.parseBracketed('[', ']');
    if (c === '(') return this.parseBracketed('(', ')');
    if (c === '{') return this.parseBrace();
    if (c === '-' || c === '+') {
      this.pos++;
      const value = this.parseValue();
      if (typeof value !== 'number') throw new NotALiteral();
      return c === '-' ? -value : value;
    }
    if (this.text.startsWith('...', this.pos)) {
      this.pos += 3;
      return '...';
    }
    if (/[0-9.]/.test(c)) return this.parseNumber();
    if (c === '"' || c === "'" || /[A-Za-z_]/.test(c)) return this.parseNameOrStrings();
    throw new NotALiteral();
  }

  private parseBracketed(open: string, close: string): unknown {
    this.pos++;
    const value = open === '[' ? this.parseItems(close).items : this.parseSequence(close);
    this.skipSpace();
    if (this.peek() !== close) throw new NotALiteral();
    this.pos++;
    return value;
  }

  private parseBrace(): unknown {
    this.pos++;
    const dict: Record<string, unknown> = {};
    const set: unknown[] = [];
    let kind: 'dict' | 'set' | undefined;
    while (true) {
      this.skipSpace();
      if (this.peek() === '}') break;
      const key = this.parseValue();
      this.skipSpace();
      if (this.peek() === ':') {
        if (kind === 'set') throw new NotALiteral();
        kind = 'dict';
        this.pos++;
        dict[String(key)] = this.parseValue();
      } else {
        if (kind === 'dict') throw new NotALiteral();
        kind = 'set';
        if (!set.includes(key)) set.push(key);
      }
      this.skipSpace();
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.skipSpace();
    if (this.peek() !== '}') throw new NotALiteral();
    this.pos++;
    return kind === 'set' ? set : dict;
  }

  private parseNumber(): number | string {
    const start = this.pos;
    while (this.pos < this.text.length && /[0-9A-Za-z_.]/.test(this.peek())) {
      const c = this.peek();
      this.pos++;
      // An exponent may carry a sign: 1e-5.
      if ((c === 'e' || c === 'E') && /[+-]/.test(this.peek()) && !/^0[xX]/.test(this.text.slice(start))) this.pos++;
    }
    const token = this.text.slice(start, this.pos);
    const clean = token.replace(/_/g, '');
    if (INT.test(token)) {
      const value = /^0[oO]/.test(clean)
        ? parseInt(clean.slice(2), 8)
        : /^0[bB]/.test(clean)
          ? parseInt(clean.slice(2), 2)
          : Number(clean);
      // Beyond 2^53 a JS number would change the digits; the text keeps them.
      if (!Number.isSafeInteger(value)) throw new NotALiteral();
      return value;
    }
    if (FLOAT.test(token)) return Number(clean);
    throw new NotALiteral();
  }

  private parseNameOrStrings(): unknown {
    const strings: string[] = [];
    let kind: 'str' | 'bytes' | undefined;
    while (true) {
      this.skipSpace();
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0] ?? '';
      const quote = this.text[this.pos + name.length];
      const isPrefix = /^(?:[rRuUbB]|[bB][rR]|[rR][bB])?$/.test(name) && (quote === '"' || quote === "'");
      if (!isPrefix) {
        if (strings.length > 0) break;
        this.pos += name.length;
        if (name === 'True') return true;
        if (name === 'False') return false;
        if (name === 'None') return null;
        throw new NotALiteral();
      }
      const bytes = /[bB]/.test(name);
      if (kind && kind !== (bytes ? 'bytes' : 'str')) throw new NotALiteral();
      kind = bytes ? 'bytes' : 'str';
      this.pos += name.length;
      strings.push(this.parseString(/[rR]/.test(name), bytes));
    }
    return strings.join('');
  }

  private parseString(raw: boolean, bytes: boolean): string {
    const q = this.peek();
    const triple = this.text.startsWith(q.repeat(3), this.pos);
    const delimiter = triple ? q.repeat(3) : q;
    this.pos += delimiter.length;
    let out = '';
    while (true) {
      if (this.pos >= this.text.length) throw new NotALiteral();
      if (this.text.startsWith(delimiter, this.pos)) {
        this.pos += delimiter.length;
        return out;
      }
      const c = this.text[this.pos++];
      if (c === '\n' && !triple) throw new NotALiteral();
      if (c !== '\\') {
        out += c;
        continue;
      }
      const next = this.text[this.pos++];
      if (next === undefined) throw new NotALiteral();
      if (raw) {
        out += c + next;
        continue;
      }
      out += this.decodeEscape(next, bytes);
    }
  }

  private decodeEscape(next: string, bytes: boolean): string {
    if (next in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[next];
    if (/[0-7]/.test(next)) {
      const digits = (next + this.text.slice(this.pos, this.pos + 2)).match(/^[0-7]{1,3}/)![0];
      this.pos += digits.length - 1;
      return String.fromCodePoint(parseInt(digits, 8));
    }
    const width = next === 'x' ? 2 : !bytes && next === 'u' ? 4 : !bytes && next === 'U' ? 8 : 0;
    if (width) {
      const hex = this.text.slice(this.pos, this.pos + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new NotALiteral();
      this.pos += width;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw new NotALiteral();
      return String.fromCodePoint(code);
    }
    if (next === 'N' && !bytes) throw new NotALiteral();
    return `\\${next}`;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.peek();
      if (c === '#') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end === -1 ? this.text.length : end;
      } else if (/\s/.test(c)) this.pos++;
      else break;
    }
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }
}
