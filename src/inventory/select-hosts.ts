import { readFileSync } from 'node:fs';
import { InventoryError } from './inventory-error.js';

/** What pattern resolution needs to know about the inventory. */
export interface PatternTarget {
  hostNames(): string[];
  groupNames(): string[];
  /** Hosts of a group and of its descendants, in inventory order. */
  hostsOfGroup(group: string): string[];
}

/** Names Ansible resolves to an implicit local host when the inventory does not declare them. */
export const IMPLICIT_LOCALHOST = ['localhost', '127.0.0.1', '::1'];

/**
 * Resolves an Ansible host pattern. Terms are joined by `,` or `:`; `&term` intersects, `!term`
 * excludes (both applied after every plain term, as Ansible does). The result is in inventory order.
 */
export function selectHosts(target: PatternTarget, pattern: string): string[] {
  const terms = splitHostPattern(pattern).flatMap((term) =>
    term.startsWith('@') ? readLimitFile(term.slice(1)) : [term],
  );
  const plain = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const intersect = terms.filter((t) => t.startsWith('&'));
  const exclude = terms.filter((t) => t.startsWith('!'));
  if (plain.length === 0 && terms.length > 0) plain.push('all');
  const declared = new Set(target.hostNames());
  const selected = new Set<string>();
  for (const term of plain) {
    // A term that is exactly a host name is that host, even if a group has the same name.
    for (const host of declared.has(term) ? [term] : matchTerm(target, term)) selected.add(host);
  }
  for (const term of intersect) {
    const keep = new Set(matchTerm(target, term.slice(1)));
    for (const host of [...selected]) if (!keep.has(host)) selected.delete(host);
  }
  for (const term of exclude) for (const host of matchTerm(target, term.slice(1))) selected.delete(host);
  const ordered = target.hostNames().filter((h) => selected.has(h));
  for (const host of selected) if (!declared.has(host)) ordered.push(host);
  return ordered;
}

/** Splits on commas, then on colons outside [brackets]; an IPv6 address stays whole. */
export function splitHostPattern(pattern: string): string[] {
  return pattern
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => (isIpv6(part) ? [part] : (part.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [])));
}

function isIpv6(text: string): boolean {
  return /^[0-9A-Fa-f:]+$/.test(text) && (text.includes('::') || text.split(':').length === 8);
}

function readLimitFile(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  } catch (error) {
    throw new InventoryError(
      `cannot read the limit file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'give @FILE with one host or pattern per line',
        cause: error,
      },
    );
  }
}

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+)[:-](\d*))\]$/;

/** One term without its & or ! prefix: groups, then hosts, then the optional [subscript]. */
function matchTerm(target: PatternTarget, term: string): string[] {
  let expr = term;
  let subscript: { start: number; end?: number } | undefined;
  const m = term.startsWith('~') ? null : SUBSCRIPT.exec(term);
  if (m) {
    expr = m[1];
    subscript = m[2] !== undefined ? { start: Number(m[2]) } : { start: Number(m[3]), end: m[4] ? Number(m[4]) : -1 };
  }
  const matches = compileTerm(expr);
  const found = new Set<string>();
  const groups = target.groupNames().filter(matches);
  for (const group of groups) for (const host of target.hostsOfGroup(group)) found.add(host);
  // Host names are tried when no group matched, or when the term is a glob or a regex.
  if (groups.length === 0 || /^~|[.?*[]/.test(expr))
    for (const host of target.hostNames()) if (matches(host)) found.add(host);
  if (found.size === 0 && IMPLICIT_LOCALHOST.includes(expr)) found.add(expr);
  const declared = target.hostNames();
  const hosts = declared.filter((h) => found.has(h));
  if (hosts.length < found.size) hosts.push(...IMPLICIT_LOCALHOST.filter((h) => found.has(h) && !hosts.includes(h)));
  return subscript ? applySubscript(hosts, subscript) : hosts;
}

function applySubscript(hosts: string[], { start, end }: { start: number; end?: number }): string[] {
  if (end === undefined || end === 0) {
    const host = hosts.at(start);
    return host === undefined ? [] : [host];
  }
  const last = end === -1 ? hosts.length - 1 : end;
  return hosts.slice(start, last + 1);
}

function compileTerm(expr: string): (name: string) => boolean {
  if (expr.startsWith('~')) {
    let regex: RegExp;
    try {
      // Python's re.match: anchored at the start only.
      regex = new RegExp(`^(?:${expr.slice(1)})`);
    } catch (error) {
      throw new InventoryError(`invalid regular expression in host pattern "${expr}": ${(error as Error).message}`, {
        hint: 'after ~ write a regular expression, e.g. ~web\\d+\\.example\\.com',
        cause: error,
      });
    }
    return (name) => regex.test(name);
  }
  if (!/[*?[]/.test(expr)) return (name) => name === expr;
  const regex = globToRegExp(expr);
  return (name) => regex.test(name);
}

/** fnmatch: `*`, `?`, `[seq]`, `[!seq]`; the whole name must match, case-sensitively. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\\]/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}
