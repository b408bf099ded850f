/** Python's str.format: '{}-{}'.format(a, b), '{name}', '{0:>8}', '{:.2f}', '{{' and '}}'. */
import { TemplateSyntaxError } from '../errors.js';
import { splitArguments } from '../jinja/arguments.js';
import { pyNumber, pyRepr, pyStr } from './repr.js';
import { isMapping } from './values.js';

const FIELD = /\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g;
const SPEC = /^(?:(.)?([<>^=]))?([-+ ])?(#)?(0)?(\d+)?(,)?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

export function formatString(template: string, args: readonly unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  let auto = 0;
  return template.replace(FIELD, (whole, field: string | undefined, conversion: string | undefined, spec = '') => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const [head, ...path] = (field ?? '').split('.');
    let value: unknown =
      head === '' ? positional[auto++] : /^\d+$/.test(head) ? positional[Number(head)] : keywords[head];
    if (value === undefined && !(head in keywords)) throw new TemplateSyntaxError(`format: no argument for {${field}}`);
    for (const key of path) value = isMapping(value) ? value[key] : undefined;
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    return applySpec(value, spec);
  });
}

function applySpec(value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  const match = SPEC.exec(spec);
  if (!match) throw new TemplateSyntaxError(`invalid format specifier '${spec}'`);
  const [, fillChar, align, sign, , zero, width, comma, precision, type] = match;
  let text: string;
  if (typeof value === 'number') {
    const digits = precision === undefined ? undefined : Number(precision);
    if (type === 'f' || type === 'F') text = value.toFixed(digits ?? 6);
    else if (type === 'e' || type === 'E') text = value.toExponential(digits ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
    else if (type === '%') text = `${(value * 100).toFixed(digits ?? 6)}%`;
    else if (type === 'x' || type === 'X') text = Math.trunc(value).toString(16);
    else if (type === 'o') text = Math.trunc(value).toString(8);
    else if (type === 'b') text = Math.trunc(value).toString(2);
    else if (digits !== undefined) text = pyNumber(Number(value.toPrecision(digits || 1)));
    else text = pyNumber(value);
    if (type === 'X' || type === 'E') text = text.toUpperCase();
    if (comma) text = text.replace(/^(-?\d+)/, (digitsPart) => digitsPart.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    if (sign === '+' && value >= 0) text = `+${text}`;
    if (sign === ' ' && value >= 0) text = ` ${text}`;
  } else {
    text = pyStr(value);
    if (precision !== undefined) text = text.slice(0, Number(precision));
  }
  const size = width === undefined ? 0 : Number(width);
  if (text.length >= size) return text;
  const fill = fillChar ?? (zero && !align ? '0' : ' ');
  const where = align ?? (zero ? '=' : typeof value === 'number' ? '>' : '<');
  const gap = size - text.length;
  if (where === '<') return text + fill.repeat(gap);
  if (where === '>') return fill.repeat(gap) + text;
  if (where === '^') return fill.repeat(Math.floor(gap / 2)) + text + fill.repeat(gap - Math.floor(gap / 2));
  const signPart = /^[-+ ]/.test(text) ? text[0] : '';
  return signPart + fill.repeat(gap) + text.slice(signPart.length);
}
