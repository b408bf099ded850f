/** Runs a module as a one-task play over SSH on a lab host, its templates in a given directory. */
import { createConnection, settingsFromHostVars, type Connection } from '../../src/connection/index.js';
import { labConnectionVars, type LabStatus } from '../../src/lab/index.js';
import { runModule, type ModuleRunResult, type ModuleTaskOptions } from '../helpers/run-module-task.js';
import type { ModuleDefinition } from '../../src/modules/types.js';

/** Where a lab module run finds its templates and files (DIR/templates, DIR/files) and the play vars. */
export function labTaskScope(dir: string, vars: Record<string, unknown> = {}): LabTaskScope {
  return { localDir: dir, vars };
}

export type LabTaskScope = Pick<ModuleTaskOptions, 'localDir' | 'vars' | 'inventory'>;

/** runModule that throws on a failed plan; a failed change is returned (some tests expect one). */
export async function runOn(
  conn: Connection,
  module: ModuleDefinition,
  args: unknown,
  options: { check?: boolean; scope?: LabTaskScope } = {},
): Promise<ModuleRunResult> {
  const result = await runModule(conn, module, args, { check: options.check ?? false, ...options.scope });
  if (result.plan.failed) throw new Error(`plan failed: ${result.plan.failed}`);
  return result;
}

/** Like runOn, but a failed change fails the test too. */
export async function applyOn(
  conn: Connection,
  module: ModuleDefinition,
  args: unknown,
  options: { check?: boolean; scope?: LabTaskScope } = {},
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
