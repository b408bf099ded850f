/** Tests of paths on the controller: file, directory, link, exists, abs, same_file, mount. */
import { existsSync, lstatSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pyStr } from '../python/repr.js';

type Test = (input: unknown, ...args: unknown[]) => boolean;

function stat(path: unknown, follow = true) {
  try {
    return (follow ? statSync : lstatSync)(pyStr(path));
  } catch {
    return undefined;
  }
}

export const FILE_TESTS: Record<string, Test> = {
  file: (input) => stat(input)?.isFile() ?? false,
  is_file: (input) => stat(input)?.isFile() ?? false,
  directory: (input) => stat(input)?.isDirectory() ?? false,
  is_dir: (input) => stat(input)?.isDirectory() ?? false,
  link: (input) => stat(input, false)?.isSymbolicLink() ?? false,
  is_link: (input) => stat(input, false)?.isSymbolicLink() ?? false,
  exists: (input) => existsSync(pyStr(input)),
  abs: (input) => isAbsolute(pyStr(input)),
  is_abs: (input) => isAbsolute(pyStr(input)),
  same_file: (input, other) => {
    const [a, b] = [stat(input), stat(other)];
    return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
  },
  mount: (input) => {
    const path = resolve(pyStr(input));
    const [self, parent] = [stat(path), stat(dirname(path))];
    return self !== undefined && parent !== undefined && (self.dev !== parent.dev || self.ino === parent.ino);
  },
};
