import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPathProbe,
  parsePathState,
  PathDeniedError,
  type PathProbeOptions,
} from '../../../../src/modules/lib/probe/path-probe.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-path-probe-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'f.txt'), 'hello\n', { mode: 0o640 });
  symlinkSync('f.txt', join(dir, 'link'));
  mkdirSync(join(dir, 'closed'), { mode: 0o700 });
  writeFileSync(join(dir, 'closed', 'inside.txt'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the probe with sh on this machine, as root or (through sudo) as another user. */
function probe(path: string, options: PathProbeOptions = {}, user?: string) {
  const script = buildPathProbe(path, options);
  const argv = user ? ['sudo', '-n', '-u', user, 'sh', '-c', script] : ['sh', '-c', script];
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return parsePathState({ stdout: result.stdout, code: result.status ?? 1 });
}

describe('the path probe', () => {
  it('reads a file: type, mode, owner, content and its sha256', () => {
    const state = probe(join(dir, 'f.txt'), { contentLimit: 1024 });
    expect(state).toMatchObject({ type: 'file', followedType: 'file', mode: '0640', owner: 'root', size: 6 });
    expect(state.content?.toString()).toBe('hello\n');
    expect(state.sha256).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  });

  it('tells a link from its target', () => {
    expect(probe(join(dir, 'link'))).toMatchObject({ type: 'link', followedType: 'file', linkTarget: 'f.txt' });
  });

  it('reports a missing path as absent, with its parent', () => {
    expect(probe(join(dir, 'no', 'such'), { parent: true })).toEqual({
      type: 'absent',
      followedType: 'absent',
      parent: 'absent',
    });
  });

  it('refuses to call a path absent when the user cannot search a directory above it, and names that directory', () => {
    const error = (() => {
      try {
        probe(join(dir, 'closed', 'inside.txt'), { contentLimit: 1024 }, 'nobody');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PathDeniedError);
    expect((error as PathDeniedError).directory).toBe(join(dir, 'closed'));
    // Root can look inside: the same probe finds the file.
    expect(probe(join(dir, 'closed', 'inside.txt'))).toMatchObject({ type: 'file' });
  });
});
