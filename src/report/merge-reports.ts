import { DroverError } from '../errors.js';
import type { ReportHost, RunReport } from './run-report.js';

/**
 * What a report written with --slice K/N adds: which slice it is, and the selection it ran with,
 * so the merge can check that the slices belong together and record the whole as one run.
 */
export interface ReportSlice {
  index: number;
  count: number;
  /** The inventory sources, resolved as the drift history records them. */
  inventory: string[];
  tags: string[];
  skipTags: string[];
  limit?: string;
}

/** A run, check or drift report, with its slice when it was written with --slice. */
export type SliceReport = RunReport & { slice?: ReportSlice; [key: string]: unknown };

/** The reports given to a merge do not make one run (exit 5). */
export class MergeReportsError extends DroverError {
  override readonly kind = 'bad-options' as const;
  override name = 'MergeReportsError';
}

/** A file given to a merge is not a drover report (exit 4). */
export class NotAReportError extends DroverError {
  override readonly kind = 'invalid-input' as const;
  override name = 'NotAReportError';
}

export interface MergeInput {
  /** Where the report came from, for messages. */
  file: string;
  report: SliceReport;
}

export interface MergedReports {
  /** The whole run: hosts sorted by name, earliest start, longest duration; no slice. */
  report: RunReport;
  /** The selection the slices ran with, when they were written with --slice. */
  scope?: Omit<ReportSlice, 'index' | 'count'>;
  /** Slices K of N that no input was, with allowMissing. */
  missing: string[];
}

/** Reads a parsed JSON file as a report, or says why it is not one. */
export function asReport(file: string, value: unknown): SliceReport {
  const report = value as Partial<SliceReport> | null;
  const fail = (why: string) =>
    new NotAReportError(`${file} is not a drover JSON report (--report of run, check or drift): ${why}`);
  if (typeof report !== 'object' || report === null || Array.isArray(report)) throw fail('not a JSON object');
  if (report.version !== 1) throw fail(`version ${JSON.stringify(report.version)}, expected 1`);
  if (report.mode !== 'run' && report.mode !== 'check' && report.mode !== 'drift')
    throw fail(`mode ${JSON.stringify(report.mode)}, expected run, check or drift`);
  if (typeof report.playbook !== 'string') throw fail('no playbook');
  if (typeof report.startedAt !== 'string' || Number.isNaN(Date.parse(report.startedAt)))
    throw fail('no valid startedAt');
  if (typeof report.durationMs !== 'number') throw fail('no durationMs');
  if (typeof report.hosts !== 'object' || report.hosts === null) throw fail('no hosts');
  if (report.mode === 'drift' && typeof report.drift !== 'object') throw fail('mode drift without a drift section');
  return report as SliceReport;
}

/**
 * Puts the reports of the slices of one run back into one report. They must have the same mode
 * and playbook, no host may be in two of them, and reports written with --slice must be the
 * slices of one --slice K/N run with the same selection, each once and (unless allowMissing) all
 * of them. Hosts are sorted by name: the inventory order is not known here. The start is the
 * earliest start, the duration the longest: the slices run side by side. Interrupted if any was.
 * A drift report comes back as its run-level part: its drift section is made again from the
 * merged hosts by the caller (analyseDrift), against the history the merge records to.
 */
export function mergeReports(inputs: MergeInput[], options: { allowMissing?: boolean } = {}): MergedReports {
  if (inputs.length === 0) throw new MergeReportsError('no reports to merge');
  const [first] = inputs;
  for (const { file, report } of inputs) {
    if (report.mode !== first.report.mode)
      throw new MergeReportsError(
        `cannot merge a ${report.mode} report (${file}) with a ${first.report.mode} report (${first.file}): all must be of one mode`,
      );
    if (report.playbook !== first.report.playbook)
      throw new MergeReportsError(
        `cannot merge reports of different playbooks: ${file} is of ${report.playbook}, ${first.file} of ${first.report.playbook}`,
      );
  }
  const { scope, missing } = checkSlices(inputs, options);

  const owner = new Map<string, string>();
  const hosts: Record<string, ReportHost> = {};
  for (const { file, report } of inputs) {
    for (const [name, host] of Object.entries(report.hosts)) {
      const other = owner.get(name);
      if (other !== undefined)
        throw new MergeReportsError(
          `host ${name} is in both ${other} and ${file}: the reports to merge must be of different hosts (the slices of one run)`,
        );
      owner.set(name, file);
      hosts[name] = host;
    }
  }
  const sorted: Record<string, ReportHost> = {};
  for (const name of [...owner.keys()].sort(compareNames)) sorted[name] = hosts[name];

  const startedAt = inputs.map(({ report }) => report.startedAt).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const report: RunReport = {
    version: 1,
    playbook: first.report.playbook,
    mode: first.report.mode,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Math.max(...inputs.map(({ report }) => report.durationMs)),
    // Of the longest slice's time, as durationMs: the most any one controller spent rendering.
    ...(inputs.every(({ report }) => typeof report.renderMs === 'number')
      ? { renderMs: Math.max(...inputs.map(({ report }) => report.renderMs!)) }
      : {}),
    interrupted: inputs.some(({ report }) => report.interrupted === true),
    hosts: sorted,
  };
  return { report, ...(scope ? { scope } : {}), missing };
}

/** Code-point order, the same on every machine (no locale). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkSlices(
  inputs: MergeInput[],
  options: { allowMissing?: boolean },
): { scope?: MergedReports['scope']; missing: string[] } {
  const sliced = inputs.filter(({ report }) => report.slice !== undefined);
  if (sliced.length === 0) return { missing: [] };
  if (sliced.length < inputs.length) {
    const plain = inputs.find(({ report }) => report.slice === undefined)!;
    throw new MergeReportsError(
      `${plain.file} was not written with --slice, ${sliced[0].file} was: merge the slices of one run`,
    );
  }
  const [first] = sliced;
  const base = first.report.slice!;
  const selection = (slice: ReportSlice) =>
    JSON.stringify([[...(slice.tags ?? [])].sort(), [...(slice.skipTags ?? [])].sort(), slice.limit ?? null]);
  const seen = new Map<number, string>();
  for (const { file, report } of sliced) {
    const slice = report.slice!;
    if (
      !Number.isInteger(slice.index) ||
      !Number.isInteger(slice.count) ||
      slice.index < 1 ||
      slice.index > slice.count
    )
      throw new NotAReportError(`${file} has a damaged slice: ${JSON.stringify(slice)}`);
    if (slice.count !== base.count)
      throw new MergeReportsError(
        `${file} is slice ${slice.index}/${slice.count}, ${first.file} is slice ${base.index}/${base.count}: all must be slices of one --slice K/${base.count} run`,
      );
    if (selection(slice) !== selection(base))
      throw new MergeReportsError(
        `${file} and ${first.file} ran with different --tags, --skip-tags or --limit: the slices of one run select the same`,
      );
    const other = seen.get(slice.index);
    if (other !== undefined)
      throw new MergeReportsError(`${other} and ${file} are both slice ${slice.index}/${slice.count}`);
    seen.set(slice.index, file);
  }
  const missing: string[] = [];
  for (let index = 1; index <= base.count; index++) if (!seen.has(index)) missing.push(`${index}/${base.count}`);
  if (missing.length > 0 && !options.allowMissing)
    throw new MergeReportsError(
      `${describeMissing(missing)}: give the reports of all ${base.count} slices (or --allow-missing to merge the ones there are)`,
    );
  const scope = {
    inventory: base.inventory ?? [],
    tags: base.tags ?? [],
    skipTags: base.skipTags ?? [],
    ...(base.limit !== undefined ? { limit: base.limit } : {}),
  };
  return { scope, missing };
}

/** `the report of slice 3/4 is missing`, `the reports of slices 3/4, 4/4 are missing`. */
export function describeMissing(missing: string[]): string {
  return missing.length === 1
    ? `the report of slice ${missing[0]} is missing`
    : `the reports of slices ${missing.join(', ')} are missing`;
}
