/** Python's arithmetic and concatenation for templates: what + - * / // % ** and ~ do to values. */
import { TemplateSyntaxError } from '../errors.js';
import { requireDefined } from '../jinja/undefined.js';
import { percentFormat } from './percent-format.js';
import { pyStr } from './repr.js';
import { typeName, unwrap } from './values.js';

const operand = (value: unknown): unknown => unwrap(requireDefined(value));
const isNumber = (value: unknown): value is number | boolean => typeof value === 'number' || typeof value === 'boolean';

function unsupported(operator: string, left: unknown, right: unknown): never {
  if (operator === '+' && typeof left === 'string')
    throw new TemplateSyntaxError(`can only concatenate str (not "${typeName(right)}") to str`);
  throw new TemplateSyntaxError(
    `unsupported operand type(s) for ${operator}: '${typeName(left)}' and '${typeName(right)}'`,
  );
}

function numbers(operator: string, leftInput: unknown, rightInput: unknown): [number, number] {
  const left = operand(leftInput);
  const right = operand(rightInput);
  if (!isNumber(left) || !isNumber(right)) unsupported(operator, left, right);
  return [Number(left), Number(right)];
}

export function add(leftInput: unknown, rightInput: unknown): unknown {
  const left = operand(leftInput);
  const right = operand(rightInput);
  if (isNumber(left) && isNumber(right)) return Number(left) + Number(right);
  if (typeof left === 'string' && typeof right === 'string') return left + right;
  if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  return unsupported('+', left, right);
}

export function subtract(left: unknown, right: unknown): number {
  const [a, b] = numbers('-', left, right);
  return a - b;
}

export function multiply(leftInput: unknown, rightInput: unknown): unknown {
  const left = operand(leftInput);
  const right = operand(rightInput);
  if (isNumber(left) && isNumber(right)) return Number(left) * Number(right);
  const [sequence, count] = isNumber(right) ? [left, Number(right)] : [right, Number(left)];
  if (Number.isInteger(count) && (isNumber(left) || isNumber(right))) {
    if (typeof sequence === 'string') return sequence.repeat(Math.max(0, count));
    if (Array.isArray(sequence)) return Array.from({ length: Math.max(0, count) }, () => sequence).flat();
  }
  return unsupported('*', left, right);
}

export function divide(left: unknown, right: unknown): number {
  const [a, b] = numbers('/', left, right);
  if (b === 0) throw new TemplateSyntaxError('division by zero');
  return a / b;
}

export function floorDivide(left: unknown, right: unknown): number {
  const [a, b] = numbers('//', left, right);
  if (b === 0) throw new TemplateSyntaxError('integer division or modulo by zero');
  return Math.floor(a / b);
}

export function modulo(leftInput: unknown, rightInput: unknown): unknown {
  const left = operand(leftInput);
  if (typeof left === 'string') return percentFormat(left, operand(rightInput));
  const [a, b] = numbers('%', left, rightInput);
  if (b === 0) throw new TemplateSyntaxError('integer division or modulo by zero');
  return ((a % b) + b) % b;
}

export function power(left: unknown, right: unknown): number {
  const [a, b] = numbers('**', left, right);
  return a ** b;
}

export function negate(value: unknown): number {
  const input = operand(value);
  if (!isNumber(input)) throw new TemplateSyntaxError(`bad operand type for unary -: '${typeName(input)}'`);
  return -Number(input);
}

export function plus(value: unknown): number {
  const input = operand(value);
  if (!isNumber(input)) throw new TemplateSyntaxError(`bad operand type for unary +: '${typeName(input)}'`);
  return Number(input);
}

/** Jinja2's ~: both sides as text. */
export function concat(left: unknown, right: unknown): string {
  return pyStr(left) + pyStr(right);
}
