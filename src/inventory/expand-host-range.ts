import { InventoryError } from './inventory-error.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Expands Ansible host ranges: `web[01:03].example.com` -> web01, web02, web03 (leading zeros kept),
 * `db-[a:c]` -> db-a, db-b, db-c, `[1:9:2]` with a step, several ranges in one name.
 */
export function expandHostRange(pattern: string): string[] {
  const open = pattern.indexOf('[');
  if (open === -1) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close === -1) throw rangeError(pattern, 'a "[" without its "]"');
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = pattern.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3)
    throw rangeError(pattern, 'a range must be [begin:end] or [begin:end:step]');
  const begin = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) throw rangeError(pattern, 'the range has no end value');
  if (!Number.isInteger(step) || step < 1)
    throw rangeError(pattern, `the step "${bounds[2]}" is not a positive whole number`);
  const out: string[] = [];
  for (const item of rangeItems(pattern, begin, end, step)) out.push(...expandHostRange(head + item + tail));
  return out;
}

function rangeItems(pattern: string, begin: string, end: string, step: number): string[] {
  const fromLetter = LETTERS.indexOf(begin);
  const toLetter = LETTERS.indexOf(end);
  if (begin.length === 1 && end.length === 1 && fromLetter !== -1 && toLetter !== -1) {
    if (fromLetter > toLetter) throw rangeError(pattern, 'the range must have begin <= end');
    const items: string[] = [];
    for (let i = fromLetter; i <= toLetter; i += step) items.push(LETTERS[i]);
    return items;
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end))
    throw rangeError(pattern, `"${begin}:${end}" is neither a number range nor a letter range`);
  // A leading zero asks for zero-padded names, so both ends must have the same width.
  const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
  if (width && end.length !== width)
    throw rangeError(pattern, 'a zero-padded range needs begin and end of the same width, e.g. [01:10]');
  const items: string[] = [];
  for (let i = Number(begin); i <= Number(end); i += step) items.push(String(i).padStart(width, '0'));
  return items;
}

function rangeError(pattern: string, reason: string): InventoryError {
  return new InventoryError(`invalid host range in "${pattern}": ${reason}`, {
    hint: 'write ranges as name[01:10], name[a:f] or name[1:10:2]',
  });
}

export interface HostAddress {
  /** The host name or pattern, ranges not yet expanded. */
  name: string;
  port?: number;
}

const BRACKETED_HOST_PORT = /^\[(.+)\]:(\d+)$/;
const HOST_PORT = /^((?:[^:[\]]|\[[^\]]*\])*):(\d+)$/;
const LABEL = String.raw`(?:[A-Za-z0-9_-]|\[[A-Za-z0-9]*:[A-Za-z0-9]+(?::\d+)?\])+`;
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%\w+)?$/;

/**
 * Splits `host:port` (or `[v6addr]:port`) the way Ansible's parse_address does; anything it
 * cannot read as an address is taken whole as the name.
 */
export function parseHostAddress(text: string): HostAddress {
  const trimmed = text.trim();
  const match = BRACKETED_HOST_PORT.exec(trimmed) ?? HOST_PORT.exec(trimmed);
  if (match) {
    const [, name, port] = match;
    if (HOSTNAME.test(name) || IPV6.test(name)) return { name, port: Number(port) };
  }
  return { name: trimmed };
}
