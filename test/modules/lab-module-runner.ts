/** Runs a module over SSH on a lab host with a PrepareContext whose templates live in a given directory. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import { createConnection, settingsFromHostVars, type Connection } from '../../src/connection/index.js';
import { labConnectionVars, type LabStatus } from '../../src/lab/index.js';
import { runModule, type ModuleRunResult } from '../../src/engine/run-module.js';
import type { ModuleDefinition, PrepareContext } from '../../src/modules/types.js';

export function makeLabPrepareContext(host: string, dir: string, vars: Record<string, unknown> = {}): PrepareContext {
  return {
    host,
    vars,
    check: false,
    resolveLocalFile(kind, path) {
      for (const candidate of [join(dir, kind, path), join(dir, path)]) if (existsSync(candidate)) return candidate;
      throw new Error(`${kind} ${path} not found under ${dir}`);
    },
    render: (template) => Mustache.render(template, vars, {}, { escape: (value: unknown) => String(value) }),
  };
}

/** runModule that throws on a failed plan; a failed change is returned (some tests expect one). */
export async function runOn(
  conn: Connection,
  module: ModuleDefinition,
  args: unknown,
  options: { check?: boolean; prepare?: PrepareContext } = {},
): Promise<ModuleRunResult> {
  const result = await runModule(conn, module, args, {
    check: options.check ?? false,
    prepare: options.prepare ?? makeLabPrepareContext(conn.host, '/nonexistent'),
  });
  if (result.plan.failed) throw new Error(`plan failed: ${result.plan.failed}`);
  return result;
}

/** Like runOn, but a failed change fails the test too. */
export async function applyOn(
  conn: Connection,
  module: ModuleDefinition,
  args: unknown,
  options: { check?: boolean; prepare?: PrepareContext } = {},
): Promise<ModuleRunResult> {
  const result = await runOn(conn, module, args, options);
  if (result.failedChange)
    throw new Error(
      `${result.failedChange.summary}: exit ${result.failedChange.result.code}: ${result.failedChange.result.stderr}${result.failedChange.result.stdout}`,
    );
  return result;
}

/** A connected SSH connection to a lab host, as `drover run --lab` makes one (host keys checked). */
export async function connectToLabHost(lab: LabStatus, host: string): Promise<Connection> {
  const conn = createConnection(
    settingsFromHostVars(host, labConnectionVars(lab, host), { hostKeyChecking: 'strict' }),
  );
  await conn.connect();
  return conn;
}
