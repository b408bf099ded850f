/** Filters on paths of the controller: basename, dirname, expanduser, realpath, splitext, path_join. */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { pyStr } from '../python/repr.js';
import { makeTuple, unwrap } from '../python/values.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

/** Python's os.path.basename: what follows the last slash ('' for a path ending in one). */
function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Python's os.path.dirname: what precedes the last slash, trailing slashes dropped unless all. */
function dirname(path: string): string {
  const head = path.slice(0, path.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

function splitext(path: string): [string, string] {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(name.slice(0, dot + 1))) return [path, ''];
  const cut = path.length - name.length + dot;
  return [path.slice(0, cut), path.slice(cut)];
}

function pathJoin(input: unknown): string {
  const value = unwrap(input);
  const parts = Array.isArray(value) ? value.map(pyStr) : [pyStr(value)];
  return parts.reduce((joined, part) => {
    if (part.startsWith('/') || joined === '') return part;
    return joined.endsWith('/') ? joined + part : `${joined}/${part}`;
  }, '');
}

export const PATH_FILTERS: Record<string, Filter> = {
  basename: (input) => basename(pyStr(input)),
  dirname: (input) => dirname(pyStr(input)),
  expanduser: (input) => pyStr(input).replace(/^~(?=\/|$)/, homedir()),
  realpath: (input) => {
    try {
      return realpathSync(pyStr(input));
    } catch {
      return posix.resolve(pyStr(input));
    }
  },
  relpath: (input, start) => posix.relative(start === undefined ? process.cwd() : pyStr(start), pyStr(input)),
  splitext: (input) => makeTuple(splitext(pyStr(input))),
  path_join: pathJoin,
};
