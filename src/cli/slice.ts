import { InvalidArgumentError } from 'commander';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { limitHosts, type Inventory } from '../inventory/index.js';
import type { ReportSlice } from '../report/merge-reports.js';
import type { RunReport } from '../report/run-report.js';
import type { Playbook } from '../tree/types.js';
import { splitList } from './options.js';

/** --slice K/N: the K-th of N parts of the hosts (K from 1). */
export interface Slice {
  index: number;
  count: number;
}

/** A commander parser for --slice K/N, 1 ≤ K ≤ N (commander's error is exit 5). */
export function parseSlice(value: string): Slice {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count)
    throw new InvalidArgumentError('expected K/N, two whole numbers with 1 ≤ K ≤ N (e.g. 2/4: the second of 4 slices)');
  return { index, count };
}

/**
 * The slice (1 to count) a host falls to: the first 4 bytes of the SHA-256 of its name, as an
 * unsigned big-endian number, mod count, plus 1. It depends on the name alone, so a host falls to
 * the same slice whatever the order or the size of the inventory.
 */
export function sliceOfHost(host: string, count: number): number {
  return (createHash('sha256').update(host, 'utf8').digest().readUInt32BE(0) % count) + 1;
}

export interface SlicedRun {
  slice: Slice;
  /** The hosts of this slice that the plays select (after --limit), in inventory order. */
  hosts: string[];
  /** What the slice's report says of it. */
  info: ReportSlice;
}

const sliced = new WeakMap<Inventory, SlicedRun>();

/**
 * Applies --slice after --limit: replaces the inputs' inventory by a view in which host patterns
 * select only the hosts of the slice (variables and `groups` stay those of the whole inventory,
 * as with --limit). Undefined without --slice; applying it twice is applying it once. Throws
 * NoHostsError for a --limit that matches no host, as the run would.
 */
export function applySlice(
  inputs: { playbook: Playbook; inventory: Inventory },
  options: { slice?: Slice; limit?: string; inventory: string[]; tags?: string[]; skipTags?: string[] },
): SlicedRun | undefined {
  if (!options.slice) return undefined;
  const done = sliced.get(inputs.inventory);
  if (done) return done;
  const slice = options.slice;
  const whole = inputs.inventory;
  const inSlice = (host: string) => sliceOfHost(host, slice.count) === slice.index;
  const limited = limitHosts(whole, options.limit);
  const selected = new Set<string>();
  for (const play of inputs.playbook.plays)
    for (const host of whole.selectHosts(play.hosts)) if (!limited || limited.has(host)) selected.add(host);
  const run: SlicedRun = {
    slice,
    hosts: [...selected].filter(inSlice),
    info: {
      index: slice.index,
      count: slice.count,
      inventory: options.inventory.map((source) => (source.includes(',') ? source : resolve(source))),
      tags: splitList(options.tags),
      skipTags: splitList(options.skipTags),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    },
  };
  const view = new Proxy(whole, {
    get(target, property) {
      if (property === 'selectHosts') return (pattern: string) => target.selectHosts(pattern).filter(inSlice);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  sliced.set(view, run);
  inputs.inventory = view;
  return run;
}

/** What a slice without hosts prints; it is not an error. */
export function describeEmptySlice(run: SlicedRun): string {
  return `slice ${run.slice.index}/${run.slice.count} has no hosts: nothing to run\n`;
}

/** The report of a slice without hosts. */
export function emptySliceReport(playbook: string, mode: RunReport['mode']): RunReport {
  return {
    version: 1,
    playbook,
    mode,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    interrupted: false,
    hosts: {},
  };
}

/** The report with what --slice adds to it; the report itself without --slice. */
export function withSlice<R extends RunReport>(report: R, run: SlicedRun | undefined): R & { slice?: ReportSlice } {
  return run ? { ...report, slice: run.info } : report;
}
