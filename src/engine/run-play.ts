/** One play over its hosts: serial batches, facts, sections under the play's strategy, handler flushes. */
import pLimit from 'p-limit';
import type { Play } from '../tree/types.js';
import { markInert } from '../template/inert.js';
import { connectHost } from './connect-host.js';
import { FACTS_SCRIPT, parseFacts } from './gather-facts.js';
import { flushHandlers } from './handlers.js';
import type { HostState } from './host-state.js';
import { markUnreachable, record } from './host-results.js';
import { findEmptyBatch, findFatalFailure, type PlayAbort } from './play-failures.js';
import { indexLeaves, isRunning, type PlayRun } from './play-run.js';
import type { RunContext } from './run-context.js';
import { runFreeSection } from './strategy-free.js';
import { runLinearNode } from './strategy-linear.js';

/**
 * Runs one play over its hosts, batch by batch.
 * Returns why the play was aborted, if it was: then the run stops too.
 */
export async function runPlay(run: RunContext, play: Play, hostNames: string[]): Promise<PlayAbort | undefined> {
  run.options.events.playStart?.({ name: play.name, hosts: hostNames });
  const batches = splitSerial(hostNames, play.serial);
  for (const [index, batch] of batches.entries()) {
    if (run.interrupted()) return undefined;
    const ctx: PlayRun = {
      run,
      play,
      playHosts: batch,
      announced: new Set(),
      ended: false,
      positions: new Map(),
      endedHosts: new Set(),
      errorsCleared: 0,
      limit: pLimit(Math.max(1, run.options.forks)),
    };
    await runBatch(
      ctx,
      batch.map((name) => run.hosts.get(name)!),
    );
    // meta: end_play ends the remaining batches too, but not the run.
    if (ctx.ended) return undefined;
    const reason = ctx.fatal ?? findEmptyBatch(batch.map((name) => run.hosts.get(name)!));
    if (reason)
      return {
        reason,
        fatal: ctx.fatal !== undefined,
        skippedBatches: batches.length - index - 1,
        skippedHosts: batches.slice(index + 1).flat(),
      };
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

/** Ansible's serial: a number, a percentage, or a list of them (the last one repeats). */
export function splitSerial(hosts: string[], serial: Array<number | string>): string[][] {
  if (serial.length === 0) return [hosts];
  const batches: string[][] = [];
  let index = 0;
  let step = 0;
  while (index < hosts.length) {
    const spec = serial[Math.min(step, serial.length - 1)];
    const size =
      typeof spec === 'string' && spec.endsWith('%')
        ? Math.max(1, Math.floor((hosts.length * Number(spec.slice(0, -1))) / 100))
        : Math.max(1, Number(spec));
    batches.push(hosts.slice(index, index + size));
    index += size;
    step++;
  }
  return batches;
}

async function gatherFacts(ctx: PlayRun, hosts: HostState[]): Promise<void> {
  const pending = hosts.filter((host) => host.facts === undefined);
  if (pending.length === 0) return;
  ctx.run.options.events.taskStart?.({
    name: 'Gathering Facts',
    module: 'setup',
    handler: false,
    hosts: pending.map((h) => h.name),
  });
  await Promise.all(
    pending.map((host) =>
      ctx.limit(async () => {
        try {
          const conn = await connectHost(ctx, host);
          const result = await conn.exec(FACTS_SCRIPT, { timeoutMs: ctx.run.options.commandTimeoutMs });
          host.facts = markInert(parseFacts(result.stdout));
          record(ctx, host, { task: 'Gathering Facts', module: 'setup', status: 'ok', changes: [] }, false);
        } catch (error) {
          markUnreachable(ctx, host, error, 'Gathering Facts');
        }
      }),
    ),
  );
}
