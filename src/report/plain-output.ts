import type { ChalkInstance } from 'chalk';
import type { CommandOutput, EngineEvents, HostStats, TaskResult, UnknownReason } from '../engine/events.js';
import { maskSecrets } from '../secrets/mask.js';
import { renderUnifiedDiff } from './render-diff.js';
import { colourDiff } from './colour-diff.js';

export interface OutputOptions {
  diff: boolean;
  verbosity: number;
  check: boolean;
  style: ChalkInstance;
  write(text: string): void;
  /** The terminal's width, when there is one: banners fit it, as Ansible's do. */
  columns?(): number;
}

const WIDTH = 78;

export function banner(text: string, width = WIDTH): string {
  return `\n${text} ${'*'.repeat(Math.max(3, width - text.length - 1))}`;
}

/** Line-by-line output in the shape Ansible users know: PLAY, TASK, ok/changed/failed per host. */
export function createPlainOutput(options: OutputOptions): EngineEvents {
  const { style, write } = options;
  const line = (text: string) => write(`${maskSecrets(text)}\n`);
  const width = () => (options.columns ? Math.min(WIDTH, options.columns() - 1) : WIDTH);
  return {
    playStart(play) {
      line(style.bold(banner(`PLAY [${play.name}]`, width())));
    },
    taskStart(task) {
      line(style.bold(banner(`${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${task.name}]`, width())));
    },
    hostResult(host, result) {
      for (const text of describeResult(host, result, options)) line(text);
    },
    hostUnreachable(host, reason) {
      line(style.red(`fatal: [${host}]: UNREACHABLE! => ${reason}`));
    },
    warning(message) {
      line(style.magenta(`[WARNING]: ${message}`));
    },
    verbose(level, host, message) {
      if (options.verbosity >= level) line(style.gray(`<${host}> ${message}`));
    },
  };
}

/** The lines that describe one host's result of a task. */
export function describeResult(
  host: string,
  result: TaskResult,
  options: Pick<OutputOptions, 'style' | 'check' | 'verbosity' | 'diff'>,
): string[] {
  const { style } = options;
  const out: string[] = [];
  const would = options.check ? ' (check mode: would change)' : '';
  switch (result.status) {
    case 'ok':
      out.push(style.green(`ok: [${host}]${result.msg !== undefined ? ` => ${result.msg}` : ''}`));
      break;
    case 'changed':
      out.push(style.yellow(`changed: [${host}]${would}`));
      break;
    case 'skipped':
      out.push(
        style.cyan(
          `skipping: [${host}]${options.verbosity > 0 && result.skipReason ? ` => ${result.skipReason}` : ''}`,
        ),
      );
      break;
    case 'unknown':
      out.push(style.blue(`unknown: [${host}] => ${describeUnknown(result.unknown)}`));
      break;
    case 'failed':
      out.push(
        style.red(
          `${result.ignored ? 'failed (ignored)' : 'fatal'}: [${host}]: FAILED! => ${result.error ?? 'failed'}`,
        ),
      );
      break;
  }
  if (options.verbosity > 0 && result.output) out.push(...describeOutput(result.output, '  '));
  for (const item of result.items ?? []) {
    if (item.status === 'unknown')
      out.push(style.blue(`  unknown: [${host}] (item=${item.label}) => ${describeUnknown(item.unknown)}`));
    else if (item.status === 'changed' || options.verbosity > 0 || item.status === 'failed') {
      out.push(
        `  ${item.status}: [${host}] (item=${item.label})${item.error ? ` => ${item.error}` : item.msg ? ` => ${item.msg}` : ''}`,
      );
      if (options.verbosity > 0 && item.output) out.push(...describeOutput(item.output, '    '));
    }
  }
  // An unknown task's changes are what it would do if it ran (a command line): shown with -v.
  if (result.status === 'changed' || (result.status === 'unknown' && options.verbosity > 0)) {
    for (const change of result.changes) {
      const fromTo =
        change.from !== undefined || change.to !== undefined ? ` (${change.from ?? '∅'} → ${change.to ?? '∅'})` : '';
      out.push(`  - ${change.summary}${fromTo}`);
      if (options.diff && change.diff) out.push(colourDiff(renderUnifiedDiff(change.diff), style));
    }
  }
  return out;
}

/** `rc: 0`, then stdout and stderr (when not empty), their lines indented under them. */
function describeOutput(output: CommandOutput, indent: string): string[] {
  const out = [`${indent}rc: ${output.rc}`];
  for (const [name, text] of [
    ['stdout', output.stdout],
    ['stderr', output.stderr],
  ] as const) {
    if (text === '') continue;
    const lines = text.split('\n');
    if (lines.length === 1) out.push(`${indent}${name}: ${text}`);
    else out.push(`${indent}${name}:`, ...lines.map((line) => `${indent}  ${line}`));
  }
  return out;
}

/** What is said of an unknown task that came without a reason. */
export const UNKNOWN_WITHOUT_REASON = 'what it would do is known only when it runs';

/** `<reason> (depends on '<task>')`: why check or drift could not tell what a task would do. */
export function describeUnknown(unknown: UnknownReason | undefined): string {
  if (!unknown) return UNKNOWN_WITHOUT_REASON;
  return `${unknown.reason}${unknown.dependsOn !== undefined ? ` (depends on '${unknown.dependsOn}')` : ''}`;
}

/** PLAY RECAP: one line per host with Ansible's counters, and unknown after skipped. */
export function renderRecap(rows: Array<{ host: string; stats: HostStats }>, style: ChalkInstance): string {
  const width = Math.max(0, ...rows.map((r) => r.host.length));
  const lines = [style.bold(banner('PLAY RECAP'))];
  for (const { host, stats } of rows) {
    const colour =
      stats.failed > 0 || stats.unreachable > 0 ? style.red : stats.changed > 0 ? style.yellow : style.green;
    lines.push(
      `${colour(host.padEnd(width))} : ok=${stats.ok}  changed=${stats.changed}  unreachable=${stats.unreachable}  failed=${stats.failed}  skipped=${stats.skipped}  unknown=${stats.unknown}  rescued=${stats.rescued}  ignored=${stats.ignored}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
