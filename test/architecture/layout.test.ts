import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// These checks keep the layout documented in docs/architecture.md true as the code grows.
const root = join(import.meta.dirname, '..', '..');

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

const rel = (file: string) => relative(root, file);

describe('source layout', () => {
  it('keeps every engine file under 200 lines', () => {
    const long = listTs(join(root, 'src/engine'))
      .map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 200);
    expect(long).toEqual([]);
  });

  it('lets only the include loader of the engine import from src/playbook', () => {
    const importers = listTs(join(root, 'src/engine'))
      .filter((file) => importsOf(file).some((spec) => spec.startsWith('../playbook/')))
      .map(rel);
    expect(importers).toEqual(['src/engine/include-tasks.ts']);
  });

  it('has no double casts in modules', () => {
    const cast = listTs(join(root, 'src/modules'))
      .filter((file) => readFileSync(file, 'utf8').includes('as unknown as'))
      .map(rel);
    expect(cast).toEqual([]);
  });

  it('keeps in src/modules/lib only code imported by two or more module families', () => {
    const modulesDir = join(root, 'src/modules');
    // A family is a module file and its private folder: apt.ts and apt/ are one family.
    const familyOf = (file: string): string | undefined => {
      const path = relative(modulesDir, file);
      if (path.startsWith('lib/')) return undefined;
      const top = path.split('/')[0].replace(/\.ts$/, '');
      return top;
    };
    const users = new Map<string, Set<string>>();
    for (const file of listTs(modulesDir)) {
      const family = familyOf(file);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = join(file, '..', spec).replace(/\.js$/, '.ts');
        if (!relative(modulesDir, target).startsWith('lib/')) continue;
        const set = users.get(target) ?? new Set<string>();
        if (family) set.add(family);
        else set.add(`lib:${rel(file)}`);
        users.set(target, set);
      }
    }
    const libFiles = listTs(join(modulesDir, 'lib'));
    // A lib file counts the families that reach it directly or through other lib files.
    const reach = (target: string, seen = new Set<string>()): Set<string> => {
      const families = new Set<string>();
      if (seen.has(target)) return families;
      seen.add(target);
      for (const user of users.get(target) ?? []) {
        if (user.startsWith('lib:')) for (const f of reach(join(root, user.slice(4)), seen)) families.add(f);
        else families.add(user);
      }
      return families;
    };
    const private_ = libFiles
      .map((file) => ({ file: rel(file), families: [...reach(file)] }))
      .filter(({ families }) => families.length < 2);
    expect(private_).toEqual([]);
  });
});
