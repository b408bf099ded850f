/** Shared pieces of the module tests: temporary directories, a simple PrepareContext, a module run over LocalConnection. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';
import { afterEach } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { parseArgs, runModule, type ModuleRunResult } from '../helpers/run-module-task.js';
import { sha256Hex } from '../../src/modules/lib/plan/file-content-plan.js';
import type { PathState } from '../../src/modules/lib/probe/path-probe.js';
import type { ModuleDefinition, PrepareContext } from '../../src/modules/types.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

const created: string[] = [];

/** A fresh directory removed after the test; its name has a space, a quote and a $ in it. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "drover mod's $x-"));
  created.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function makePrepareContext(vars: Record<string, unknown> = {}): PrepareContext {
  return {
    host: 'local',
    vars,
    resolveLocalFile(kind, path) {
      for (const candidate of [join(FIXTURES, kind, path), join(FIXTURES, path)])
        if (existsSync(candidate)) return candidate;
      throw new Error(`${kind} ${path} not found under ${FIXTURES}`);
    },
    render: (template) => Mustache.render(template, vars, {}, { escape: (value: unknown) => String(value) }),
  };
}

export const conn = new LocalConnection('local');

/** The module as a one-task play on this machine; fails the test when a change exited non-zero. */
export async function apply(
  module: ModuleDefinition,
  args: unknown,
  options: { check?: boolean; vars?: Record<string, unknown> } = {},
): Promise<ModuleRunResult> {
  const result = await runModule(conn, module, args, {
    check: options.check ?? false,
    vars: options.vars,
    localDir: FIXTURES,
  });
  if (result.failedChange)
    throw new Error(
      `${result.failedChange.summary}: exit ${result.failedChange.result.code}: ${result.failedChange.result.stderr}`,
    );
  return result;
}

export { parseArgs };

/** Plans from hand-written probed state (the fixture tests). */
export function planWith<S>(module: ModuleDefinition<any, S>, raw: unknown, state: S) {
  return module.plan(parseArgs(module, raw), state, { host: 'h' });
}

/** Prepares on the controller with these variables, then plans from hand-written probed state (no host). */
export async function planPrepared<S>(
  module: ModuleDefinition<any, S>,
  raw: unknown,
  state: S,
  options: { vars?: Record<string, unknown>; verbosity?: number } = {},
) {
  const prepare = makePrepareContext(options.vars);
  const args = parseArgs(module, raw);
  const prepared = module.prepare ? await module.prepare(args, prepare) : args;
  return module.plan(prepared, state, { host: 'h', verbosity: options.verbosity ?? 0 });
}

/** A regular file on the host holding this content, as the content probe reports it. */
export function fileWithContent(content: string, overrides: Partial<PathState> = {}): PathState {
  return fileState({ sha256: sha256Hex(content), content: Buffer.from(content), ...overrides });
}

export function fileState(overrides: Partial<PathState> = {}): PathState {
  return {
    type: 'file',
    followedType: 'file',
    mode: '0644',
    owner: 'root',
    uid: '0',
    group: 'root',
    gid: '0',
    parent: 'directory',
    ...overrides,
  };
}

export const ABSENT: PathState = { type: 'absent', followedType: 'absent', parent: 'directory' };
