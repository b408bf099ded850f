/** Python's printf-style formatting: '%s-%05d' % (name, port), '%(name)s' % dict. */
import { TemplateSyntaxError } from '../errors.js';
import { pyNumber, pyRepr, pyStr } from './repr.js';
import { isMapping, isTuple } from './values.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

export function percentFormat(format: string, args: unknown): string {
  const specs = [...format.matchAll(SPEC)].filter((match) => match[5] !== '%');
  const named = specs.some((match) => match[1] !== undefined);
  // A tuple holds the arguments; so does a list where the format takes several (a tuple of one
  // cannot be written in a template).
  const positional = named ? [] : Array.isArray(args) && (isTuple(args) || specs.length > 1) ? [...args] : [args];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw new TemplateSyntaxError('not enough arguments for format string');
    return positional[next++];
  };
  const out = format.replace(SPEC, (whole, name: string | undefined, flags: string, width, precision, type) => {
    if (type === '%') return '%';
    const widthValue = width === '*' ? Number(take()) : width === undefined ? undefined : Number(width);
    const precisionValue = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
    let value: unknown;
    if (name !== undefined) {
      if (!isMapping(args)) throw new TemplateSyntaxError('format requires a mapping');
      value = args[name];
    } else value = take();
    return pad(convert(type, value, flags, precisionValue), widthValue, flags, /[diouxXeEfFgG]/.test(type));
  });
  if (!named && next < positional.length && !(positional.length === 1 && specs.length === 0 && isMapping(args)))
    throw new TemplateSyntaxError('not all arguments converted during string formatting');
  return out;
}

function convert(type: string, value: unknown, flags: string, precision: number | undefined): string {
  const sign = (n: number, text: string) =>
    n < 0 || Object.is(n, -0) ? text : flags.includes('+') ? `+${text}` : flags.includes(' ') ? ` ${text}` : text;
  switch (type) {
    case 's':
      return precision === undefined ? pyStr(value) : pyStr(value).slice(0, precision);
    case 'r':
    case 'a':
      return pyRepr(value);
    case 'c':
      return typeof value === 'number' ? String.fromCodePoint(value) : pyStr(value);
    case 'd':
    case 'i':
    case 'u': {
      const n = toNumber(value, type);
      return sign(n, String(Math.trunc(n)));
    }
    case 'x':
    case 'X':
    case 'o': {
      const n = Math.trunc(toNumber(value, type));
      const digits = Math.abs(n).toString(type === 'o' ? 8 : 16);
      const prefix = flags.includes('#') ? (type === 'o' ? '0o' : type === 'x' ? '0x' : '0X') : '';
      const text = `${n < 0 ? '-' : ''}${prefix}${digits}`;
      return type === 'X' ? sign(n, text.toUpperCase()) : sign(n, text);
    }
    case 'f':
    case 'F':
      return sign(toNumber(value, type), toNumber(value, type).toFixed(precision ?? 6));
    case 'e':
    case 'E': {
      const text = toNumber(value, type)
        .toExponential(precision ?? 6)
        .replace(/e([+-])(\d)$/, 'e$10$2');
      return sign(toNumber(value, type), type === 'E' ? text.toUpperCase() : text);
    }
    default: {
      const n = toNumber(value, type);
      const text = Number(n.toPrecision(precision === 0 ? 1 : (precision ?? 6)));
      return sign(n, type === 'G' ? pyNumber(text).toUpperCase() : pyNumber(text));
    }
  }
}

function toNumber(value: unknown, type: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number(value);
  throw new TemplateSyntaxError(`%${type} format: a number is required, not ${typeof value}`);
}

function pad(text: string, width: number | undefined, flags: string, numeric: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && numeric) {
    const signPart = /^[-+ ]/.test(text) ? text[0] : '';
    return signPart + text.slice(signPart.length).padStart(width - signPart.length, '0');
  }
  return text.padStart(width);
}
