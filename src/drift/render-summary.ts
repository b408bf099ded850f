import type { ChalkInstance } from 'chalk';
import { maskSecrets } from '../secrets/mask.js';
import type { DriftReport } from './build-drift-report.js';
import { describeSince } from './format.js';
import { shortLocation } from '../tree/source-location.js';
import type { DriftResource } from './types.js';
import { colourDiff } from '../report/colour-diff.js';
import { describeUnknown } from '../report/plain-output.js';

/**
 * The human summary printed on stdout: drifted hosts with from → to and diffs, unreachable hosts,
 * tasks that could not be checked, unknown tasks with why, then one final line.
 */
export function renderDriftSummary(report: DriftReport, style: ChalkInstance): string {
  const { drift } = report;
  const lines: string[] = [];
  const byHost = new Map<string, DriftResource[]>();
  for (const resource of drift.resources) byHost.set(resource.host, [...(byHost.get(resource.host) ?? []), resource]);
  for (const [host, resources] of byHost) {
    lines.push(style.bold.yellow(`${host}: ${pluralize(resources.length, 'resource')} drifted`));
    for (const resource of resources) {
      const where = resource.location ? style.gray(` ${shortLocation(resource.location, report.playbook)}`) : '';
      lines.push(`  ~ ${resource.task} [${resource.module}]${where} ${describeAge(resource, report, style)}`);
      for (const change of resource.changes) {
        const fromTo =
          change.from !== undefined || change.to !== undefined ? ` (${change.from ?? '∅'} → ${change.to ?? '∅'})` : '';
        lines.push(`    - ${change.summary}${fromTo}`);
        if (change.diff) lines.push(indent(colourDiff(change.diff, style), '      '));
      }
    }
  }
  for (const { host, reason } of drift.unverified)
    lines.push(style.red(`${host}: UNVERIFIED (unreachable: ${reason})`));
  for (const error of drift.errors)
    lines.push(
      style.red(
        `${error.host}: could not check '${error.task}'${error.location ? ` (${shortLocation(error.location, report.playbook)})` : ''}: ${error.error}`,
      ),
    );
  if (drift.unknown.length > 0) {
    const strict = drift.strict ? ', and --strict makes that exit 1' : '';
    lines.push(
      style.blue(
        `unknown: ${pluralize(drift.unknown.length, 'task')} could not be told without a real run (never drift by themselves${strict}):`,
      ),
    );
    // One line per task and reason, with the hosts it holds for.
    const groups = new Map<string, { head: string; why: string; hosts: string[] }>();
    for (const item of drift.unknown) {
      const head = `${item.task}${item.item !== undefined ? ` (item=${item.item})` : ''}`;
      const why = describeUnknown(item);
      const key = JSON.stringify([head, why]);
      const group = groups.get(key) ?? { head, why, hosts: [] };
      if (!group.hosts.includes(item.host)) group.hosts.push(item.host);
      groups.set(key, group);
    }
    for (const { head, why, hosts } of groups.values())
      lines.push(style.blue(`  ? ${head} (${hosts.join(', ')}): ${why}`));
  }
  lines.push(finalLine(report, style));
  return `${maskSecrets(lines.join('\n'))}\n`;
}

/** `drift: 3 resources on 2 hosts (1 host unverified)`, or `drift: none on 4 hosts`. */
export function finalLine(report: DriftReport, style: ChalkInstance): string {
  const { summary } = report.drift;
  const notes: string[] = [];
  if (summary.newResources > 0 && report.drift.previousRun !== null) notes.push(`${summary.newResources} new`);
  if (summary.unverifiedHosts > 0) notes.push(`${pluralize(summary.unverifiedHosts, 'host')} unverified`);
  if (summary.failedTasks > 0) notes.push(`${pluralize(summary.failedTasks, 'task')} could not be checked`);
  if (summary.unknown > 0) notes.push(`${summary.unknown} unknown`);
  const verified = summary.hosts - summary.unverifiedHosts;
  const head =
    summary.driftedResources > 0
      ? `drift: ${pluralize(summary.driftedResources, 'resource')} on ${pluralize(summary.driftedHosts, 'host')}`
      : `drift: none on ${pluralize(verified, 'host')}`;
  const text = `${head}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  const colour = report.drift.exitCode === 1 ? style.red : summary.driftedResources > 0 ? style.yellow : style.green;
  return colour.bold(text);
}

function describeAge(resource: DriftResource, report: DriftReport, style: ChalkInstance): string {
  if (resource.new)
    return style.magenta(report.drift.previousRun === null ? '(first recorded drift run)' : '(new since the last run)');
  return style.gray(`(drifted since ${describeSince(resource.firstSeen, report.startedAt)})`);
}

export function pluralize(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
