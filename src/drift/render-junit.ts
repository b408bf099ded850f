import { basename } from 'node:path';
import { maskSecrets } from '../secrets/mask.js';
import type { DriftReport } from './build-drift-report.js';
import { unknownOf } from './collect-drift.js';
import { describeUnknown } from '../report/plain-output.js';
import type { DriftResource, UnknownTask } from './types.js';
import { escapeXml as text, escapeXmlAttribute as attr } from './xml-escape.js';

interface TestCase {
  name: string;
  outcome: 'pass' | 'failure' | 'error' | 'skipped';
  message?: string;
  body?: string;
}

/**
 * JUnit XML for CI dashboards: one testsuite per host, one testcase per host × task.
 * A drifted task is a failure (from → to and diff in the text), an unreachable host an error,
 * an unknown or skipped task is skipped (`unknown: <reason>`): unknown is never drift by itself.
 */
export function renderDriftJunit(report: DriftReport): string {
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const [host, result] of Object.entries(report.hosts)) {
    const cases = testCasesFor(report, host);
    const counts = {
      tests: cases.length,
      failures: cases.filter((c) => c.outcome === 'failure').length,
      errors: cases.filter((c) => c.outcome === 'error').length,
      skipped: cases.filter((c) => c.outcome === 'skipped').length,
    };
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += counts[key];
    const body = cases.map((c) => renderCase(host, c)).join('');
    suites.push(
      `  <testsuite name="${attr(host)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" timestamp="${attr(report.startedAt)}" time="${seconds(report.durationMs)}"${result.unreachable ? ' hostname="unreachable"' : ''}>\n${body}  </testsuite>\n`,
    );
  }
  const head = `<testsuites name="drover drift ${attr(basename(report.playbook))}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(report.durationMs)}">\n`;
  return maskSecrets(`<?xml version="1.0" encoding="UTF-8"?>\n${head}${suites.join('')}</testsuites>\n`);
}

function testCasesFor(report: DriftReport, host: string): TestCase[] {
  const result = report.hosts[host];
  const drifted = new Map<string, DriftResource[]>();
  for (const resource of report.drift.resources.filter((r) => r.host === host)) {
    const key = `${resource.task}\u0000${resource.location ?? ''}`;
    drifted.set(key, [...(drifted.get(key) ?? []), resource]);
  }
  const cases: TestCase[] = [];
  for (const task of result.tasks) {
    const name = task.location ? `${task.task} (${task.location})` : task.task;
    const resource = drifted.get(`${task.task}\u0000${task.location ?? ''}`)?.shift();
    if (resource) cases.push({ name, outcome: 'failure', message: driftMessage(resource), body: driftBody(resource) });
    else if (task.status === 'failed' && !task.ignored && !task.rescued)
      cases.push({ name, outcome: 'error', message: 'could not be checked', body: task.error ?? 'failed' });
    else if (unknownOf(host, task).length > 0)
      cases.push({ name, outcome: 'skipped', message: unknownMessage(unknownOf(host, task)) });
    else if (task.status === 'skipped') cases.push({ name, outcome: 'skipped', message: task.skipReason ?? 'skipped' });
    else cases.push({ name, outcome: 'pass' });
  }
  if (result.unreachable)
    cases.push({
      name: 'reach the host',
      outcome: 'error',
      message: 'unreachable: not verified',
      body: result.unreachableReason ?? 'unreachable',
    });
  return cases;
}

/** `unknown: <reason> (depends on '<task>')`, naming the items when only some of a loop are unknown. */
function unknownMessage(unknown: UnknownTask[]): string {
  return `unknown: ${unknown
    .map((u) => `${u.item !== undefined ? `item=${u.item}: ` : ''}${describeUnknown(u)}`)
    .join('; ')}`;
}

function driftMessage(resource: DriftResource): string {
  const age = resource.new ? 'new since the last run' : `drifted since ${resource.firstSeen}`;
  return `drifted: ${resource.changes.map((c) => c.summary).join('; ')} (${age})`;
}

function driftBody(resource: DriftResource): string {
  return resource.changes
    .map((change) => {
      const fromTo =
        change.from !== undefined || change.to !== undefined
          ? `\n  on host: ${change.from ?? '∅'}\n  wanted:  ${change.to ?? '∅'}`
          : '';
      return `${change.summary}${fromTo}${change.diff ? `\n${change.diff.replace(/\n$/, '')}` : ''}`;
    })
    .join('\n\n');
}

function renderCase(host: string, c: TestCase): string {
  const open = `    <testcase classname="${attr(`drift.${host}`)}" name="${attr(c.name)}" time="0"`;
  switch (c.outcome) {
    case 'pass':
      return `${open}/>\n`;
    case 'skipped':
      return `${open}>\n      <skipped message="${attr(c.message ?? '')}"/>\n    </testcase>\n`;
    case 'failure':
      return `${open}>\n      <failure type="drift" message="${attr(c.message ?? '')}">${text(c.body ?? '')}</failure>\n    </testcase>\n`;
    case 'error':
      return `${open}>\n      <error type="unverified" message="${attr(c.message ?? '')}">${text(c.body ?? '')}</error>\n    </testcase>\n`;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
