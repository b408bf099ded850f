import type { Connection, BecomeOptions, ExecResult } from '../connection/types.js';
import type { ModuleDefinition, Plan, PrepareContext, ProbeOutput } from '../modules/types.js';
import { applyChanges, groupChanges } from './apply-change.js';

export interface ModuleRunResult {
  plan: Plan;
  /** One entry per executed change (upkeep first), in order; empty in check mode. */
  executed: Array<{ summary: string; result: ExecResult }>;
  /** The first change that exited non-zero, if any (later changes were not run). */
  failedChange?: { summary: string; result: ExecResult };
}

/** Parses and validates raw arguments with the module's schema (throws zod's error). */
export function parseArgs<A>(module: ModuleDefinition<A>, raw: unknown): A {
  return module.schema.parse(raw);
}

/** Runs a module's probe alone on the host (the engine batches probes; this is the single form). */
export async function probeModule<A>(
  conn: Connection,
  module: ModuleDefinition<A>,
  args: A,
  become?: BecomeOptions,
): Promise<ProbeOutput> {
  if (!module.probe) return { stdout: '', code: 0 };
  const result = await conn.exec(module.probe(args), { become });
  return { stdout: result.stdout, code: result.code };
}

/** Plans from a probe's output and, unless in check mode, applies the plan's changes in order. */
export async function planAndApply<A>(
  conn: Connection,
  module: ModuleDefinition<A>,
  args: A,
  probe: ProbeOutput,
  options: { check: boolean; become?: BecomeOptions },
): Promise<ModuleRunResult> {
  const current = module.parse ? module.parse(probe, args) : undefined;
  const plan = module.plan(args, current, { host: conn.host, check: options.check });
  const executed: ModuleRunResult['executed'] = [];
  if (options.check || plan.failed || plan.skipReason) return { plan, executed };
  // Upkeep (a package list refresh) runs first, as in a playbook run, and is executed but never a change.
  const toRun = [...(plan.upkeep ?? []), ...plan.changes];
  // Grouped into as few execs as the engine uses, so tests see what a playbook run does.
  for (const group of groupChanges(toRun, { become: options.become })) {
    const { results } = await applyChanges(conn, group, [], { become: options.become });
    for (const result of results) {
      const { summary } = toRun[executed.length];
      executed.push({ summary, result });
      if (result.code !== 0) return { plan, executed, failedChange: { summary, result } };
    }
  }
  return { plan, executed };
}

/** prepare -> probe -> plan -> apply for one task invocation on one host. */
export async function runModule<A>(
  conn: Connection,
  module: ModuleDefinition<A>,
  rawArgs: unknown,
  options: { check: boolean; become?: BecomeOptions; prepare?: PrepareContext },
): Promise<ModuleRunResult> {
  let args = parseArgs(module, rawArgs);
  if (module.prepare) {
    if (!options.prepare) throw new Error(`module ${module.name} needs a prepare context`);
    args = await module.prepare(args, options.prepare);
  }
  const probe = await probeModule(conn, module, args, options.become);
  return planAndApply(conn, module, args, probe, options);
}
