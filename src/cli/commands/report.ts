import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyseDrift } from '../../drift/analyse-drift.js';
import type { DriftReport } from '../../drift/build-drift-report.js';
import { renderDriftSummary } from '../../drift/render-summary.js';
import {
  asReport,
  describeMissing,
  mergeReports,
  NotAReportError,
  type MergeInput,
} from '../../report/merge-reports.js';
import { createStyle } from '../../report/output-style.js';
import { renderRecap } from '../../report/plain-output.js';
import type { RunReport } from '../../report/run-report.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { recordDrift, writeOutputs } from './drift.js';

export interface MergeCommandOptions {
  junit?: string;
  html?: string;
  stateDir?: string;
  strict?: boolean;
  onDrift?: string;
  allowMissing?: boolean;
}

/** How long --on-drift may run, as drift's default --timeout. */
const HOOK_TIMEOUT_MS = 3600 * 1000;

/** `drover report merge`: its action reports the exit code through `setExit`. */
export function createReportCommand(setExit: (code: number) => void): Command {
  const merge = new Command('merge')
    .description(
      'Merge the JSON reports of the slices of one run (--slice K/N of run, check or drift) into one report, as if one controller had run it. Exits as that run would.',
    )
    .argument('<out.json>', 'the merged report to write')
    .argument('<reports...>', 'the reports to merge (one per slice)')
    .option('--junit <file.xml>', 'drift: write the JUnit XML report of the merged run')
    .option('--html <file.html>', 'drift: write the HTML page of the merged run')
    .option(
      '--state-dir <dir>',
      'drift: the history to compare with and to add the merged run to (default: the one the slices used)',
    )
    .option('--strict', 'drift: exit 1 when a task is unknown, as drift --strict')
    .option('--on-drift <command>', 'drift: shell command run when the merged run found drift, as drift --on-drift')
    .option('--allow-missing', 'merge even if the reports of some slices are missing (their hosts are not in it)')
    .addHelpText(
      'after',
      `
Hosts are sorted by name. The merged run starts when the earliest slice started and lasts as long
as the longest one. A drift merge computes first seen / new against the history, writes --junit and
--html, and adds one entry to the history, for the whole run.

Examples:
  drover report merge site.json slice-1.json slice-2.json slice-3.json
  drover report merge drift.json reports/drift-*.json --junit drift.xml --html drift.html --state-dir /var/lib/drover`,
    )
    .action(async (out: string, files: string[], options: MergeCommandOptions) => {
      setExit(await executeMerge(out, files, options));
    });
  return new Command('report').description('Work with JSON reports (--report).').addCommand(merge);
}

/** The whole of `drover report merge`; returns the exit code. */
export async function executeMerge(out: string, files: string[], options: MergeCommandOptions): Promise<number> {
  const inputs: MergeInput[] = files.map((file) => ({ file, report: asReport(file, readJson(file)) }));
  const merged = mergeReports(inputs, { allowMissing: options.allowMissing });
  if (merged.missing.length > 0)
    process.stderr.write(`[WARNING]: ${describeMissing(merged.missing)}: its hosts are not in the merged report\n`);
  if (merged.report.mode !== 'drift') {
    const driftOnly = (['junit', 'html', 'stateDir', 'strict', 'onDrift'] as const).filter((key) => options[key]);
    if (driftOnly.length > 0)
      throw new UsageError(
        `${driftOnly.map(optionName).join(', ')}: only for drift reports, and these are ${merged.report.mode} reports`,
      );
    writeFileSync(out, `${JSON.stringify(merged.report, null, 2)}\n`);
    return finishRun(merged.report);
  }
  const scope = merged.scope ?? { inventory: [], tags: [], skipTags: [] };
  const stateDir = options.stateDir ? resolve(options.stateDir) : sharedStateDir(inputs);
  const report = analyseDrift(
    merged.report,
    { stateDir, tags: scope.tags, skipTags: scope.skipTags },
    { strict: Boolean(options.strict) },
  );
  process.stdout.write(renderDriftSummary(report, createStyle(process.stdout)));
  writeOutputs(report, { report: out, junit: options.junit, html: options.html });
  if (report.interrupted) {
    process.stderr.write('interrupted: a slice was interrupted; the merged run is not added to the drift history\n');
    return EXIT.interrupted;
  }
  return recordDrift(
    report,
    { onDrift: options.onDrift, report: out, timeoutMs: HOOK_TIMEOUT_MS },
    {
      inventory: scope.inventory,
      tags: scope.tags,
      skipTags: scope.skipTags,
      ...(scope.limit !== undefined ? { limit: scope.limit } : {}),
    },
  );
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UsageError(
      `cannot read the report ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
      { cause },
    );
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new NotAReportError(`${file} is not a drover JSON report: ${(cause as Error).message}`, { cause });
  }
}

/** The recap and exit code of the merged run, as `drover run` gives them. */
function finishRun(report: RunReport): number {
  const hosts = Object.entries(report.hosts);
  process.stdout.write(
    renderRecap(
      hosts.map(([host, result]) => ({ host, stats: { ...result, unreachable: result.unreachable ? 1 : 0 } })),
      createStyle(process.stdout),
    ),
  );
  if (report.interrupted) {
    process.stderr.write('interrupted: a slice was interrupted\n');
    return EXIT.interrupted;
  }
  if (hosts.some(([, host]) => host.failed > 0)) return EXIT.hostFailed;
  if (hosts.some(([, host]) => host.unreachable)) return EXIT.hostUnreachable;
  return EXIT.ok;
}

/** The state directory the drift slices used: without --state-dir, the merge records there. */
function sharedStateDir(inputs: MergeInput[]): string {
  const dirs = [...new Set(inputs.map(({ report }) => (report.drift as Partial<DriftReport['drift']>).stateDir))];
  if (dirs.length === 1 && typeof dirs[0] === 'string') return dirs[0];
  throw new UsageError(
    `the slices kept their drift history in different places (${dirs.join(', ')}): say where the merged run goes with --state-dir DIR`,
  );
}

function optionName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
