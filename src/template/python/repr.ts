/** Python's str() and repr() of template values: how a list or dict prints inside text. */
import { requireDefined } from '../jinja/undefined.js';
import { isMapping, isTuple, Namespace, unwrap } from './values.js';

/** str(value): text as it is, True/False, None, numbers as Python writes them, lists and dicts as repr. */
export function pyStr(input: unknown): string {
  const value = unwrap(requireDefined(input));
  if (typeof value === 'string') return value;
  return pyRepr(value);
}

/** repr(value): strings quoted as Python quotes them, containers with the repr of their items. */
export function pyRepr(input: unknown): string {
  const value = unwrap(requireDefined(input));
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return quoteString(value);
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    if (isTuple(value)) return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
    return `[${items.join(', ')}]`;
  }
  if (typeof value === 'function') return '<function>';
  if (value instanceof Namespace)
    return `<Namespace ${pyRepr(Object.fromEntries(value.attributes))}>`.replace('<Namespace {}>', '<Namespace>');
  if (isMapping(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${quoteString(key)}: ${pyRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** A number as Python prints it: inf, nan, and large or small floats in exponent form. */
export function pyNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return Object.is(value, -0) ? '-0.0' : String(value);
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

function quoteString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}
