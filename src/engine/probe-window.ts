import type { BecomeOptions } from '../connection/types.js';
import type { TaskNode, TaskTree } from '../tree/types.js';
import { connectHost } from './connect-host.js';
import type { HostState } from './host-state.js';
import { prepareInvocations } from './prepare-invocations.js';
import { resolveBecome } from './resolve-become.js';
import { buildProbeBatch, describeProbeBatch, ProbeBudget, splitProbeBatch, type ProbeRequest } from './probe-batch.js';
import type { PlayContext } from './run-context.js';
import { isTaskSelected } from './select-tasks.js';
import { buildTaskVars } from './task-vars.js';
import { mentionsAny } from './task-mentions.js';

/** The leaf tasks of a section in the order a host meets them (rescue and includes end a window). */
export function flattenLeaves(nodes: TaskTree[], out: Array<TaskNode | 'barrier'> = []): Array<TaskNode | 'barrier'> {
  for (const node of nodes) {
    if (node.kind === 'task') out.push(node);
    else if (node.kind === 'include') out.push('barrier');
    else {
      flattenLeaves(node.block, out);
      out.push('barrier');
      flattenLeaves(node.always, out);
    }
  }
  return out;
}

/** Probes share one exec only when they run as the same user with the same become password. */
function sameBecome(a: BecomeOptions | undefined, b: BecomeOptions | undefined): boolean {
  return a?.user === b?.user && a?.password === b?.password;
}

/**
 * Fetches the probe answers of a task (its remaining loop items included) and of the tasks after
 * it in ONE remote exec, so that a converged play costs one round trip per host. Any applied change empties the cache (the engine
 * then re-probes the window in the same exec as the change; see applyChanges).
 */
export async function fetchProbes(
  ctx: PlayContext,
  host: HostState,
  first: { task: TaskNode; requests: ProbeRequest[] },
  upcoming: readonly (TaskNode | 'barrier')[],
  become: BecomeOptions | undefined,
): Promise<void> {
  const requests = await collectProbeWindow(ctx, host, first, upcoming, become);
  const conn = await connectHost(ctx, host);
  const { script, nonce } = buildProbeBatch(requests);
  ctx.run.options.events.verbose?.(2, host.name, `probing ${requests.length} task invocation(s) in one exec`);
  ctx.run.options.events.verbose?.(4, host.name, `probe script:\n${describeProbeBatch(requests, script, nonce)}`);
  const result = await conn.exec(script, { become, timeoutMs: ctx.run.options.commandTimeoutMs });
  const answers = splitProbeBatch(requests, nonce, result.stdout);
  for (const [answerKey, answer] of answers) host.probeCache.set(answerKey, answer);
  if (!answers.has(requests[0].key)) {
    throw new Error(
      `the probe of this task returned no answer (exit ${result.code}): ${result.stderr.trim().slice(0, 500)}`,
    );
  }
}

/**
 * The probes to send with a task's own (first.requests, as many as fit), then those of the tasks
 * after it while the batch stays within its budget (see PROBE_BATCH_LIMITS), up to where
 * a later task depends on something an earlier one in the window produces (a registered result or
 * set_fact), at a task whose probe would run as another user (become resolved with its own
 * variables, as it will be when it runs), or at an include/rescue boundary.
 */
export async function collectProbeWindow(
  ctx: PlayContext,
  host: HostState,
  first: { task: TaskNode; requests: ProbeRequest[] },
  upcoming: readonly (TaskNode | 'barrier')[],
  become: BecomeOptions | undefined,
  budget = new ProbeBudget(),
): Promise<ProbeRequest[]> {
  const requests: ProbeRequest[] = [];
  for (const request of first.requests) {
    if (!budget.take(request)) return requests;
    requests.push(request);
  }
  const produced = new Set<string>();
  if (first.task.register) produced.add(first.task.register);
  // Tasks without a probe take no budget; this bounds the look-ahead over them all the same.
  let examined = 0;
  for (const next of upcoming) {
    if (budget.full || next === 'barrier' || ++examined > budget.maxCount) break;
    if (!isTaskSelected(next.tags, ctx.run.options.selection)) continue;
    if (mentionsAny(next, produced)) break;
    const module = ctx.run.modules.get(next.module);
    if (!module || module.probeAlone) break;
    if (next.module === 'set_fact' || next.module === 'meta') {
      if (next.module === 'meta') break;
      for (const name of Object.keys(typeof next.args === 'object' ? next.args : {})) produced.add(name);
      continue;
    }
    if (next.register) produced.add(next.register);
    if (!module.probe) continue;
    try {
      const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, next);
      const nextBecome = resolveBecome(ctx, host.name, next, vars);
      if (!sameBecome(nextBecome, become)) break;
      const prepared = await prepareInvocations(next, module, vars, { host: host.name });
      // Nothing the window's earlier tasks produce is mentioned by this one (see mentionsAny): the task runs with this.
      host.prepared.set(next, { vars, become: nextBecome, prepared });
      for (const invocation of prepared.invocations) {
        if (invocation.skipped || host.probeCache.has(invocation.key)) continue;
        const request = { key: invocation.key, script: module.probe(invocation.args), hidden: next.noLog };
        if (!budget.take(request)) return requests;
        requests.push(request);
      }
    } catch {
      // The task cannot be prepared yet (it will report its own error when it runs): end the window.
      break;
    }
  }
  return requests;
}
