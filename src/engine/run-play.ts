import pLimit from 'p-limit';
import { UnreachableError } from '../connection/types.js';
import { loadTasksFile, resolveTasksPath } from '../playbook/load-tasks.js';
import { createLoadContext } from '../playbook/load-context.js';
import { formatProblem } from '../playbook/errors.js';
import type { BlockNode, IncludeNode, Play, TaskNode, TaskTree } from '../playbook/types.js';
import { renderString, renderValue } from '../template/render.js';
import { evaluateCondition } from '../template/expression.js';
import { connectHost } from './connect-host.js';
import type { TaskResult } from './events.js';
import { FACTS_SCRIPT, parseFacts } from './gather-facts.js';
import type { HostState } from './host-state.js';
import { flattenLeaves } from './probe-window.js';
import type { PlayContext, RunContext } from './run-context.js';
import { runTaskOnHost } from './run-task.js';
import { isTaskSelected, matchesTaskName } from './select-tasks.js';
import { formatLocation, TaskError } from './task-error.js';
import { buildTaskVars } from './task-vars.js';
import { withTaskContext } from './prepare-invocations.js';
import { findEmptyBatch, findFatalFailure, type PlayAbort } from './play-failures.js';

type Leaves = Array<TaskNode | 'barrier'>;

interface PlayRun extends PlayContext {
  /** Where each leaf task sits in its section's flattened order, for probe look-ahead. */
  positions: Map<number, { leaves: Leaves; index: number }>;
  /** Hosts done with the play: meta end_host, or a failure outside any block's rescue. */
  endedHosts: Set<string>;
  /** Set when any_errors_fatal or max_fail_percentage ended the play: its hosts count as failed. */
  fatal?: string;
  /** Bumped by meta clear_host_errors, so an always section does not bring a cleared failure back. */
  errorsCleared: number;
  limit: ReturnType<typeof pLimit>;
}

/**
 * Runs one play over its hosts: serial batches, facts, sections with handler flushes.
 * Returns why the play was aborted, if it was: then the run stops too.
 */
export async function runPlay(run: RunContext, play: Play, hostNames: string[]): Promise<PlayAbort | undefined> {
  run.options.events.playStart?.({ name: play.name, hosts: hostNames });
  const batches = splitSerial(hostNames, play.serial);
  for (const [index, batch] of batches.entries()) {
    if (run.interrupted()) return undefined;
    const ctx: PlayRun = { run, play, playHosts: batch, announced: new Set(), ended: false, positions: new Map(), endedHosts: new Set(), errorsCleared: 0, limit: pLimit(Math.max(1, run.options.forks)) };
    await runBatch(ctx, batch.map((name) => run.hosts.get(name)!));
    // meta: end_play ends the remaining batches too, but not the run.
    if (ctx.ended) return undefined;
    const reason = ctx.fatal ?? findEmptyBatch(batch.map((name) => run.hosts.get(name)!));
    if (reason) return { reason, fatal: ctx.fatal !== undefined, skippedBatches: batches.length - index - 1, skippedHosts: batches.slice(index + 1).flat() };
  }
  return undefined;
}

async function runBatch(ctx: PlayRun, batch: HostState[]): Promise<void> {
  const { run, play } = ctx;
  const hosts = () => batch.filter((h) => isRunning(ctx, h));
  if (play.gatherFacts) {
    await gatherFacts(ctx, hosts());
    ctx.fatal = findFatalFailure(play, batch);
  }
  for (const section of play.sections) {
    indexLeaves(ctx, section);
    if (play.strategy === 'free') {
      await Promise.all(hosts().map((host) => ctx.limit(() => runFreeSection(ctx, host, section, batch))));
    } else {
      for (const node of section) {
        if (ctx.ended || ctx.fatal || run.interrupted()) break;
        await runLinearNode(ctx, hosts(), node);
        for (const host of batch) if (host.failed) ctx.endedHosts.add(host.name);
        ctx.fatal = findFatalFailure(play, batch);
      }
    }
    await flushHandlers(ctx, batch);
    for (const host of batch) if (host.failed) ctx.endedHosts.add(host.name);
    ctx.fatal ??= findFatalFailure(play, batch);
    if (ctx.ended || ctx.fatal || run.interrupted()) break;
  }
}

/**
 * The linear strategy: the hosts take each task together, inside blocks too, as in Ansible. A
 * block's tasks run on the hosts that have not failed; then its rescue on those that failed in it;
 * then its always on all of them. The hosts that include the same files take their tasks together.
 */
async function runLinearNode(ctx: PlayRun, hosts: HostState[], node: TaskTree, rescuable = false): Promise<void> {
  const running = hosts.filter((host) => canRun(ctx, host));
  if (running.length === 0) return;
  if (node.kind === 'block') return runLinearBlock(ctx, running, node, rescuable);
  if (node.kind === 'include') return runLinearInclude(ctx, running, node, rescuable);
  if (node.kind === 'task' && node.module === 'meta' && metaAction(node) === 'flush_handlers') {
    if (!isReached(ctx, node)) return;
    // Outside the forks limit: the handlers take their own slots.
    return flushHandlers(ctx, running);
  }
  await Promise.all(running.map((host) => ctx.limit(() => runNode(ctx, host, node))));
}

/** The nodes of a block section. rescuable: a rescue of this block or an outer one takes failures over. */
async function runLinearNodes(ctx: PlayRun, hosts: HostState[], nodes: TaskTree[], rescuable: boolean): Promise<void> {
  for (const node of nodes) {
    if (ctx.ended || ctx.fatal || ctx.run.interrupted()) return;
    await runLinearNode(ctx, hosts, node, rescuable);
    // any_errors_fatal and max_fail_percentage apply after every task, inside blocks too.
    ctx.fatal ??= findFatalFailure(ctx.play, ctx.playHosts.map((name) => ctx.run.hosts.get(name)!), { rescuable });
  }
}

async function runLinearBlock(ctx: PlayRun, hosts: HostState[], block: BlockNode, rescuable: boolean): Promise<void> {
  await runBlockSections(ctx, hosts, block, (group, nodes, section) =>
    runLinearNodes(ctx, group, nodes, section === 'block' ? rescuable || block.rescue.length > 0 : rescuable),
  );
}

/**
 * block, rescue, always, for one host (free strategy, included files) or for hosts together
 * (linear): the block's tasks; then its rescue on the hosts that failed in it, which count as
 * rescued; then its always on every host still reachable, where a failure from before the always
 * stands again afterwards unless meta clear_host_errors ran.
 */
async function runBlockSections(
  ctx: PlayRun,
  hosts: HostState[],
  block: BlockNode,
  runSection: (hosts: HostState[], nodes: TaskTree[], section: 'block' | 'rescue' | 'always') => Promise<void>,
): Promise<void> {
  await runSection(hosts, block.block, 'block');
  if (block.rescue.length > 0) {
    const rescued = hosts.filter((host) => host.failed && !host.unreachable);
    for (const host of rescued) markRescued(host);
    if (rescued.length > 0) {
      indexLeaves(ctx, block.rescue);
      await runSection(rescued, block.rescue, 'rescue');
    }
  }
  if (block.always.length > 0) {
    const reached = hosts.filter((host) => !host.unreachable);
    if (reached.length === 0) return;
    const failedBefore = new Map(reached.map((host) => [host, host.failed]));
    const cleared = ctx.errorsCleared;
    for (const host of reached) host.failed = false;
    await runSection(reached, block.always, 'always');
    for (const host of reached) host.failed = host.failed || (failedBefore.get(host)! && cleared === ctx.errorsCleared);
  }
}

/** The free strategy: this host goes through the section without waiting for the others. */
async function runFreeSection(ctx: PlayRun, host: HostState, section: TaskTree[], batch: HostState[]): Promise<void> {
  for (const node of section) {
    if (!canRun(ctx, host)) return;
    await runNode(ctx, host, node);
    if (host.failed) ctx.endedHosts.add(host.name);
    ctx.fatal ??= findFatalFailure(ctx.play, batch);
  }
}

function isRunning(ctx: PlayRun, host: HostState): boolean {
  return host.active && !ctx.endedHosts.has(host.name) && ctx.fatal === undefined;
}

/** Ansible's serial: a number, a percentage, or a list of them (the last one repeats). */
export function splitSerial(hosts: string[], serial: Array<number | string>): string[][] {
  if (serial.length === 0) return [hosts];
  const batches: string[][] = [];
  let index = 0;
  let step = 0;
  while (index < hosts.length) {
    const spec = serial[Math.min(step, serial.length - 1)];
    const size = typeof spec === 'string' && spec.endsWith('%')
      ? Math.max(1, Math.floor((hosts.length * Number(spec.slice(0, -1))) / 100))
      : Math.max(1, Number(spec));
    batches.push(hosts.slice(index, index + size));
    index += size;
    step++;
  }
  return batches;
}

function indexLeaves(ctx: PlayRun, nodes: TaskTree[]): void {
  const leaves = flattenLeaves(nodes);
  leaves.forEach((leaf, index) => {
    if (leaf !== 'barrier') ctx.positions.set(leaf.id, { leaves, index });
  });
}

function upcomingOf(ctx: PlayRun, task: TaskNode): Leaves {
  const position = ctx.positions.get(task.id);
  return position ? position.leaves.slice(position.index + 1) : [];
}

async function gatherFacts(ctx: PlayRun, hosts: HostState[]): Promise<void> {
  const pending = hosts.filter((host) => host.facts === undefined);
  if (pending.length === 0) return;
  ctx.run.options.events.taskStart?.({ name: 'Gathering Facts', module: 'setup', handler: false, hosts: pending.map((h) => h.name) });
  await Promise.all(
    pending.map((host) =>
      ctx.limit(async () => {
        try {
          const conn = await connectHost(ctx, host);
          const result = await conn.exec(FACTS_SCRIPT, { timeoutMs: ctx.run.options.commandTimeoutMs });
          host.facts = parseFacts(result.stdout);
          record(ctx, host, { task: 'Gathering Facts', module: 'setup', status: 'ok', changes: [] }, false);
        } catch (error) {
          markUnreachable(ctx, host, error, 'Gathering Facts');
        }
      }),
    ),
  );
}

/** Whether the run takes this task: its tags are selected, and --start-at-task is behind (or at) it. */
function isReached(ctx: PlayRun, task: TaskNode): boolean {
  if (!isTaskSelected(task.tags, ctx.run.options.selection)) return false;
  if (!ctx.run.started) {
    if (!matchesTaskName(task.name, ctx.run.options.startAtTask ?? '')) return false;
    ctx.run.started = true;
  }
  return true;
}

/** Whether the host goes on with the play's next task. */
function canRun(ctx: PlayRun, host: HostState): boolean {
  return isRunning(ctx, host) && !ctx.ended && !ctx.run.interrupted();
}

async function runNodes(ctx: PlayRun, host: HostState, nodes: TaskTree[]): Promise<void> {
  for (const node of nodes) {
    if (!canRun(ctx, host)) return;
    await runNode(ctx, host, node);
  }
}

/** One node on one host: a task, or (free strategy, included files) a whole block or include. */
async function runNode(ctx: PlayRun, host: HostState, node: TaskTree): Promise<void> {
  if (!canRun(ctx, host)) return;
  if (node.kind === 'block') return runBlock(ctx, host, node);
  if (node.kind === 'include') return runInclude(ctx, host, node);
  if (!isReached(ctx, node)) return;
  if (node.module === 'meta') return runMeta(ctx, host, node);
  announce(ctx, node, false);
  try {
    const result = await runTaskOnHost(ctx, host, node, upcomingOf(ctx, node));
    record(ctx, host, result, false);
  } catch (error) {
    markUnreachable(ctx, host, error, node.name ?? node.module);
  }
}

/** A host whose failure a rescue section takes over: it counts as rescued, not failed. */
function markRescued(host: HostState): void {
  host.failed = false;
  host.stats.failed--;
  host.stats.rescued++;
  const last = [...host.results].reverse().find((r) => r.status === 'failed');
  if (last) last.rescued = true;
}

async function runBlock(ctx: PlayRun, host: HostState, block: BlockNode): Promise<void> {
  await runBlockSections(ctx, [host], block, (group, nodes) => runNodes(ctx, group[0], nodes));
}

/** One file an include_tasks brings in for a host: its path and the loop variables of that item. */
interface IncludeRun {
  path: string;
  itemVars: Record<string, unknown>;
}

const includeLabel = (node: IncludeNode) => `include_tasks ${node.file}`;

/** The files an include_tasks brings in for this host (none when its `when` is false), in order. */
async function resolveIncludeRuns(ctx: PlayRun, host: HostState, node: IncludeNode): Promise<IncludeRun[]> {
  const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, node);
  return withTaskContext({ name: includeLabel(node), location: node.location }, async () => {
    if (!evaluateCondition(node.when, vars)) return [];
    const items = node.loop === undefined ? [undefined] : (renderValue(node.loop, vars) as unknown[]);
    if (!Array.isArray(items)) throw new TaskError(`loop must be a list (${formatLocation(node.location)})`, node.location, 'loop');
    return items.map((item, index) => {
      const itemVars = node.loop === undefined ? {} : { [node.loopControl.loop_var]: item, ...(node.loopControl.index_var ? { [node.loopControl.index_var]: index } : {}) };
      const file = renderString(node.file, { ...vars, ...itemVars });
      return { path: resolveTasksPath(file, { ...node, when: [], vars: { ...node.vars, ...itemVars } }), itemVars };
    });
  });
}

/** Loads the tasks of one included file (the include's own vars and the item's apply to them). */
function loadIncludeRun(ctx: PlayRun, node: IncludeNode, run: IncludeRun): TaskTree[] {
  const load = createLoadContext(ctx.run.modules, []);
  const inherited = { ...node, when: [], vars: { ...node.vars, ...run.itemVars } };
  const nodes = loadTasksFile(run.path, inherited, load, node.location);
  if (load.problems.length > 0) throw new TaskError(load.problems.map(formatProblem).join('\n'), node.location);
  indexLeaves(ctx, nodes);
  return nodes;
}

function recordIncludeError(ctx: PlayRun, host: HostState, node: IncludeNode, error: unknown): void {
  if (error instanceof UnreachableError) return markUnreachable(ctx, host, error, includeLabel(node));
  record(ctx, host, { task: includeLabel(node), module: 'include_tasks', status: 'failed', changes: [], error: (error as Error).message, location: formatLocation(node.location) }, false);
}

/** include_tasks on one host (free strategy, or an include inside an included file). */
async function runInclude(ctx: PlayRun, host: HostState, node: IncludeNode): Promise<void> {
  try {
    for (const run of await resolveIncludeRuns(ctx, host, node)) await runNodes(ctx, host, loadIncludeRun(ctx, node, run));
  } catch (error) {
    recordIncludeError(ctx, host, node, error);
  }
}

/**
 * include_tasks under the linear strategy: the hosts that include the same files (same items) take
 * their tasks together, as in Ansible; hosts that include other files follow, group by group.
 */
async function runLinearInclude(ctx: PlayRun, hosts: HostState[], node: IncludeNode, rescuable: boolean): Promise<void> {
  const groups = new Map<string, { runs: IncludeRun[]; hosts: HostState[] }>();
  for (const host of hosts) {
    try {
      const runs = await resolveIncludeRuns(ctx, host, node);
      const key = JSON.stringify(runs);
      const group = groups.get(key) ?? { runs, hosts: [] };
      group.hosts.push(host);
      groups.set(key, group);
    } catch (error) {
      recordIncludeError(ctx, host, node, error);
    }
  }
  for (const group of groups.values()) {
    for (const run of group.runs) {
      let nodes: TaskTree[];
      try {
        nodes = loadIncludeRun(ctx, node, run);
      } catch (error) {
        for (const host of group.hosts) recordIncludeError(ctx, host, node, error);
        break;
      }
      await runLinearNodes(ctx, group.hosts, nodes, rescuable);
    }
  }
}

function metaAction(task: TaskNode): string {
  return typeof task.args === 'string' ? task.args : String((task.args as Record<string, unknown>).action ?? (task.args as Record<string, unknown>).cmd ?? '');
}

async function runMeta(ctx: PlayRun, host: HostState, task: TaskNode): Promise<void> {
  const action = metaAction(task);
  // The free strategy and included files: this host's own handlers (linear plays flush for all hosts at once).
  if (action === 'flush_handlers') return flushHandlers(ctx, [host], { inSlot: true });
  try {
    const vars = buildTaskVars(ctx.run, host, ctx.play, ctx.playHosts, task);
    if (!(await withTaskContext(task, async () => evaluateCondition(task.when, vars)))) return;
  } catch (error) {
    record(ctx, host, { task: task.name ?? `meta: ${action}`, module: 'meta', status: 'failed', changes: [], error: (error as Error).message, location: formatLocation(task.location) }, false);
    return;
  }
  if (action === 'end_play') ctx.ended = true;
  else if (action === 'end_host') ctx.endedHosts.add(host.name);
  else if (action === 'clear_host_errors') {
    // As in Ansible: a host that failed inside a block goes on with the play; one that failed outside takes part again from the next play.
    for (const name of ctx.playHosts) ctx.run.hosts.get(name)!.clearErrors();
    ctx.errorsCleared++;
  }
}

/**
 * Runs notified handlers once each, in the order they are defined, on the hosts that notified them.
 * inSlot: the caller already holds a forks slot for this (single) host, so taking another could
 * wait forever (with --forks 1 it would).
 */
export async function flushHandlers(ctx: PlayRun, candidates: HostState[], options: { inSlot?: boolean } = {}): Promise<void> {
  for (const handler of ctx.play.handlers) {
    const topics = [handler.name ?? '', ...handler.listen];
    const hosts = candidates.filter(
      (host) => ((host.active && !ctx.fatal) || ((ctx.run.options.forceHandlers || ctx.play.forceHandlers) && !host.unreachable)) && topics.some((t) => host.notified.has(t)),
    );
    if (hosts.length === 0) continue;
    announce(ctx, handler, true, hosts.map((h) => h.name));
    const runHandler = async (host: HostState) => {
      try {
        const result = await runTaskOnHost(ctx, host, handler, [], true);
        record(ctx, host, result, true);
      } catch (error) {
        markUnreachable(ctx, host, error, handler.name ?? handler.module);
      }
    };
    await Promise.all(hosts.map((host) => (options.inSlot ? runHandler(host) : ctx.limit(() => runHandler(host)))));
  }
  for (const host of candidates) host.notified.clear();
}

function announce(ctx: PlayRun, task: TaskNode, handler: boolean, hosts?: string[]): void {
  const key = handler ? -task.id : task.id;
  if (ctx.announced.has(key) && !handler) return;
  ctx.announced.add(key);
  ctx.run.options.events.taskStart?.({ name: task.name ?? task.module, module: task.module, handler, hosts: hosts ?? ctx.playHosts });
}

function record(ctx: PlayRun, host: HostState, result: TaskResult, handler: boolean): void {
  result.handler = handler || undefined;
  host.results.push(result);
  const stats = host.stats;
  if (result.status === 'failed') {
    if (result.ignored) stats.ignored++;
    else {
      stats.failed++;
      host.failed = true;
    }
  } else if (result.status === 'skipped') stats.skipped++;
  else {
    stats.ok++;
    if (result.status === 'changed') stats.changed++;
  }
  ctx.run.options.events.hostResult?.(host.name, result);
}

function markUnreachable(ctx: PlayRun, host: HostState, error: unknown, task: string): void {
  if (!(error instanceof UnreachableError)) {
    record(ctx, host, { task, module: 'engine', status: 'failed', changes: [], error: (error as Error).message }, false);
    return;
  }
  host.unreachable = true;
  host.unreachableReason = error.message;
  host.stats.unreachable = 1;
  ctx.run.options.events.hostUnreachable?.(host.name, error.message, task);
}
