import { Chalk } from 'chalk';
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyseDrift, recordDriftRun, saveDriftRun } from '../../drift/analyse-drift.js';
import type { DriftReport } from '../../drift/build-drift-report.js';
import { resolveDriftDir, readHistory, resolveStateDir } from '../../drift/history-store.js';
import { renderHistory } from '../../drift/render-history.js';
import { renderDriftHtml } from '../../drift/render-html.js';
import { renderDriftJunit } from '../../drift/render-junit.js';
import { finalLine, renderDriftSummary } from '../../drift/render-summary.js';
import { runDriftHook, type HookResult } from '../../drift/run-hook.js';
import type { EngineEvents } from '../../engine/events.js';
import { runPlaybook } from '../../engine/run-playbook.js';
import { createPlainOutput } from '../../report/plain-output.js';
import { createStyle } from '../../report/output-style.js';
import { buildRunReport } from '../../report/run-report.js';
import { maskSecrets } from '../../secrets/mask.js';
import { createConnector } from '../connect.js';
import { askConnectionPasswords } from '../ask-passwords.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { parseExtraVars } from '../extra-vars.js';
import { splitList } from '../options.js';
import { addRunOptions, connectOptionsFrom, loadRunInputs, type RunCommandOptions } from './run.js';
import { checkStartAtTask } from '../start-at-task.js';
import { applySlice, describeEmptySlice, emptySliceReport, withSlice } from '../slice.js';

export interface DriftCommandOptions extends RunCommandOptions {
  stateDir?: string;
  history?: boolean;
  junit?: string;
  html?: string;
  onDrift?: string;
  strict?: boolean;
}

/** `drover drift`: its action reports the exit code through `setExit`, like run and check. */
export function createDriftCommand(setExit: (code: number) => void, signal?: AbortSignal): Command {
  const command = new Command('drift')
    .description(
      'Find what changed on the hosts since the last deploy: probe only, never change anything. Exit 0 no drift, 2 drift, 1 not all of it could be checked (with --strict, also when a task is unknown).',
    )
    .argument('[playbook]', 'the playbook that describes the wanted state')
    .option('--state-dir <dir>', 'where the drift history is kept (default: .drover/ beside the first inventory)')
    .option('--history', 'list the past drift runs, then stop')
    .option('--junit <file.xml>', 'write a JUnit XML report: one testcase per host and task, drift = failure')
    .option('--html <file.html>', 'write a self-contained HTML page: hosts × resources grid with diffs')
    .option(
      '--on-drift <command>',
      'shell command run on this machine when drift is found; gets the JSON report path as its last argument and in $DROVER_DRIFT_REPORT',
    )
    .option(
      '--strict',
      'exit 1 when a task is unknown (its outcome depends on what only a real run produces); by default unknown tasks are listed and leave the exit code alone',
    )
    .option('--syntax-check', 'validate the playbook and inventory, then stop');
  addRunOptions(command);
  // --history needs only a state directory, which --state-dir gives without an inventory.
  const inventory = command.options.find((option) => option.long === '--inventory');
  if (inventory) inventory.mandatory = false;
  command.addHelpText(
    'after',
    `
Exit codes: 0 no drift, 2 drift found, 1 a host was unreachable or a task could not be checked,
4 the playbook or inventory does not validate. Unknown tasks (what only a real run can tell) are
listed but never drift; they make exit 1 only with --strict.

Examples:
  drover drift playbooks/site.yml -i inventory
  drover drift site.yml -i inventory --html drift.html --junit drift.xml --report drift.json
  drover drift site.yml -i inventory --on-drift '/usr/local/bin/notify-drift'
  drover drift site.yml -i inventory --strict          # unknown tasks make exit 1
  drover drift --history -i inventory`,
  );
  command.action(async (playbook: string | undefined, options: DriftCommandOptions) => {
    setExit(await executeDrift(playbook, options, signal));
  });
  return command;
}

/** The whole of `drover drift`; returns the exit code. */
export async function executeDrift(
  playbookPath: string | undefined,
  options: DriftCommandOptions,
  signal?: AbortSignal,
): Promise<number> {
  if (options.history) return showHistory(playbookPath, options);
  if (!playbookPath) throw new UsageError('missing the playbook: drover drift PLAYBOOK -i INVENTORY');
  if (options.inventory.length === 0)
    throw new UsageError('no inventory given: add -i INVENTORY (a file, a directory, or "host1,host2,")');
  if (options.slice && options.onDrift)
    throw new UsageError(
      '--on-drift runs once for the whole run: give it to `drover report merge` of the slices, not to drift --slice',
    );
  const inputs = await loadRunInputs(playbookPath, options);
  checkStartAtTask(inputs.playbook, options.startAtTask);
  if (options.syntaxCheck) {
    process.stdout.write(`playbook: ${inputs.playbook.file} (valid: ${inputs.playbook.plays.length} plays)\n`);
    return EXIT.ok;
  }
  const selection = { tags: splitList(options.tags), skipTags: splitList(options.skipTags) };
  const scope = { stateDir: resolveStateDir(options.stateDir, options.inventory), ...selection };
  const strict = { strict: Boolean(options.strict) };
  const sliced = applySlice(inputs, options);
  if (sliced?.hosts.length === 0) {
    process.stdout.write(describeEmptySlice(sliced));
    writeOutputs(
      withSlice(analyseDrift(emptySliceReport(inputs.playbook.file, 'drift'), scope, strict), sliced),
      options,
    );
    return EXIT.ok;
  }
  const passwords = askConnectionPasswords(options);
  const connectOptions = connectOptionsFrom(options, passwords);
  const startedAt = new Date();
  const outcome = await runPlaybook(inputs.playbook, inputs.inventory, inputs.modules, {
    check: true,
    drift: true,
    diff: true,
    forks: options.forks,
    selection,
    startAtTask: options.startAtTask,
    forceHandlers: Boolean(options.forceHandlers),
    extraVars: parseExtraVars(options.extraVars ?? []),
    connect: createConnector(connectOptions),
    events: progressEvents(options.verbose),
    signal,
    commandTimeoutMs: connectOptions.commandTimeoutMs,
    becomePassword: passwords.becomePassword,
    become: options.become,
    becomeUser: options.becomeUser,
    verbosity: options.verbose,
    limit: options.limit,
  });
  const runReport = buildRunReport(outcome, {
    playbook: inputs.playbook.file,
    mode: 'drift',
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
  });
  const report = withSlice(analyseDrift(runReport, scope, strict), sliced);

  process.stdout.write(renderDriftSummary(report, createStyle(process.stdout)));
  writeOutputs(report, options);
  if (outcome.interrupted) {
    process.stderr.write(
      'interrupted: running probes were allowed to finish; nothing new was started; this run is not added to the drift history\n',
    );
    return EXIT.interrupted;
  }
  // A slice is recorded with the others, once, by `drover report merge`.
  if (sliced) return report.drift.exitCode;
  const inventory = options.inventory.map((source) => (source.includes(',') ? source : resolve(source)));
  return recordDrift(
    report,
    { onDrift: options.onDrift, report: options.report, timeoutMs: connectOptions.commandTimeoutMs },
    { inventory, ...selection, limit: options.limit },
  );
}

/**
 * Keeps a finished drift run in the history (its report under runs/, its line in the index) and
 * runs --on-drift when it found drift; returns the drift exit code.
 */
export async function recordDrift(
  report: DriftReport,
  options: { onDrift?: string; report?: string; timeoutMs: number },
  meta: { inventory: string[]; tags: string[]; skipTags: string[]; limit?: string },
): Promise<number> {
  const runFile = saveDriftRun(report);
  let hook: HookResult | undefined;
  if (options.onDrift && report.drift.resources.length > 0)
    hook = await alert(options.onDrift, options.report ? resolve(options.report) : runFile, report, options.timeoutMs);
  recordDriftRun(report, runFile, { ...meta, onDrift: hook });
  return report.drift.exitCode;
}

/** Writes --report, --junit and --html. */
export function writeOutputs(report: DriftReport, options: { report?: string; junit?: string; html?: string }): void {
  if (options.report) writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
  if (options.junit) writeFileSync(options.junit, renderDriftJunit(report));
  if (options.html) writeFileSync(options.html, renderDriftHtml(report));
}

/** Runs --on-drift; its failure is reported on stderr and in the history, and leaves the exit code alone. */
async function alert(command: string, reportPath: string, report: DriftReport, timeoutMs: number): Promise<HookResult> {
  const summary = finalLine(report, new Chalk({ level: 0 }));
  const result = await runDriftHook(
    command,
    reportPath,
    { DROVER_DRIFT_EXIT: String(report.drift.exitCode), DROVER_DRIFT_SUMMARY: summary },
    timeoutMs,
  );
  if (result.exitCode !== 0) {
    const why = result.error ?? `exit ${result.exitCode}`;
    process.stderr.write(maskSecrets(`ERROR: --on-drift command failed (${why}): ${command}\n`));
  }
  return result;
}

/** Without -v a drift run prints only its summary; -v streams the task lines to stderr. */
function progressEvents(verbosity: number): EngineEvents {
  const write = (text: string) => void process.stderr.write(text);
  if (verbosity > 0)
    return createPlainOutput({ diff: false, verbosity, check: true, style: createStyle(process.stderr), write });
  return { warning: (message) => write(maskSecrets(`[WARNING]: ${message}\n`)) };
}

function showHistory(playbookPath: string | undefined, options: DriftCommandOptions): number {
  if (!options.stateDir && options.inventory.length === 0)
    throw new UsageError('--history needs -i INVENTORY or --state-dir DIR to find the drift history');
  const stateDir = resolveStateDir(options.stateDir, options.inventory);
  const { entries, damaged } = readHistory(stateDir);
  const shown = playbookPath ? entries.filter((entry) => entry.playbook === resolve(playbookPath)) : entries;
  process.stdout.write(`drift history in ${resolveDriftDir(stateDir)}\n${renderHistory(shown)}`);
  if (damaged > 0)
    process.stderr.write(`[WARNING]: ${damaged} damaged line(s) in the history index were passed over\n`);
  return EXIT.ok;
}
