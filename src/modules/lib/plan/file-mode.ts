/** File modes: normalizing what playbooks write, and computing the result of a symbolic chmod. */
import { DroverError } from '../../../errors.js';

export class ModeError extends DroverError {
  override name = 'ModeError';
}

const SYMBOLIC_CLAUSE = /^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+$/;

/** '0644' | '644' | 644 -> '0644'; 'u+x,go-w' is validated and kept. Throws ModeError. */
export function normalizeMode(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || !/^[0-7]{1,4}$/.test(String(value))) {
      throw new ModeError(`mode ${value} is not an octal mode; quote it as a string, e.g. mode: '0644'`);
    }
    return String(value).padStart(4, '0');
  }
  const text = value.trim();
  if (/^0?[0-7]{3,4}$/.test(text)) return text.replace(/^0(?=[0-7]{4}$)/, '').padStart(4, '0');
  if (/^0o[0-7]{3,4}$/i.test(text)) return text.slice(2).padStart(4, '0');
  if (text !== '' && text.split(',').every((clause) => SYMBOLIC_CLAUSE.test(clause))) return text;
  throw new ModeError(`mode '${value}' is neither an octal mode ('0644') nor a symbolic one ('u=rw,g=r,o=r')`);
}

export function isOctalMode(mode: string): boolean {
  return /^[0-7]{4}$/.test(mode);
}

/** The four-digit octal mode a file ends up with after `chmod MODE` (no umask: who defaults to a). */
export function resolveMode(mode: string, current: string | undefined, isDirectory: boolean): string {
  if (isOctalMode(mode)) return mode;
  let bits = parseInt(current ?? '0000', 8);
  for (const clause of mode.split(',')) {
    const whoMatch = /^[ugoa]*/.exec(clause)![0];
    const who = whoMatch === '' || whoMatch.includes('a') ? 'ugo' : whoMatch;
    for (const op of clause.slice(whoMatch.length).matchAll(/([-+=])([rwxXst]*|[ugo])/g)) {
      const permBits = bitsFor(who, op[2], bits, isDirectory);
      if (op[1] === '+') bits |= permBits;
      else if (op[1] === '-') bits &= ~permBits;
      else bits = (bits & ~clearMaskFor(who)) | permBits;
    }
  }
  return (bits & 0o7777).toString(8).padStart(4, '0');
}

const SHIFT: Record<string, number> = { u: 6, g: 3, o: 0 };

function bitsFor(who: string, perms: string, current: number, isDirectory: boolean): number {
  let out = 0;
  for (const w of who) {
    let rwx = 0;
    if (/^[ugo]$/.test(perms)) {
      rwx = (current >> SHIFT[perms]) & 7;
    } else {
      if (perms.includes('r')) rwx |= 4;
      if (perms.includes('w')) rwx |= 2;
      if (perms.includes('x') || (perms.includes('X') && (isDirectory || (current & 0o111) !== 0))) rwx |= 1;
      if (perms.includes('s')) out |= w === 'u' ? 0o4000 : w === 'g' ? 0o2000 : 0;
      if (perms.includes('t') && w === 'o') out |= 0o1000;
    }
    out |= rwx << SHIFT[w];
  }
  return out;
}

function clearMaskFor(who: string): number {
  let mask = 0;
  for (const w of who) mask |= (7 << SHIFT[w]) | (w === 'u' ? 0o4000 : w === 'g' ? 0o2000 : 0o1000);
  return mask;
}
