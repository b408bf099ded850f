import { Chalk } from 'chalk';
import type { ReportTask } from '../report/run-report.js';
import { maskSecrets } from '../secrets/mask.js';
import type { DriftReport } from './build-drift-report.js';
import { escapeHtml as h } from './html-escape.js';
import { PAGE_CSS, PAGE_JS } from './html-page-assets.js';
import { describeSince, formatTime } from './format.js';
import { shortLocation } from '../tree/source-location.js';
import { finalLine, pluralize } from './render-summary.js';
import { unknownOf } from './collect-drift.js';
import { describeUnknown } from '../report/plain-output.js';
import type { DriftResource } from './types.js';

type CellState = 'ok' | 'drifted' | 'unknown' | 'skipped' | 'failed' | 'unverified' | 'absent';

interface Row {
  key: string;
  task: string;
  location?: string;
  cells: Map<string, { state: CellState; anchor?: string; title?: string }>;
}

/** A self-contained HTML page (inline CSS and JS, no network): summary, hosts × resources grid, expandable diffs. */
export function renderDriftHtml(report: DriftReport): string {
  const { drift } = report;
  const anchors = new Map<DriftResource, string>(drift.resources.map((r, i) => [r, `d-${i + 1}`]));
  const rows = buildRows(report, anchors);
  const hosts = Object.keys(report.hosts);
  const verdict = drift.exitCode === 1 ? 'error' : drift.summary.driftedResources > 0 ? 'drift' : 'clean';
  const title = finalLine(report, new Chalk({ level: 0 }));
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · drover</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>Drift report</h1>
<p class="meta">${h(report.playbook)} · started <span title="${h(report.startedAt)}">${h(formatTime(report.startedAt))}</span> · ${(report.durationMs / 1000).toFixed(1)} s${drift.previousRun ? ` · previous run <span title="${h(drift.previousRun)}">${h(formatTime(drift.previousRun))}</span>` : ' · first recorded run of this playbook'}</p>
<div class="cards">
${card('drift', drift.summary.driftedResources, `drifted ${drift.summary.driftedResources === 1 ? 'resource' : 'resources'}`, drift.previousRun === null ? 'first recorded drift run' : `${drift.summary.newResources} new since the last run`)}
${card('drift', drift.summary.driftedHosts, `of ${pluralize(hosts.length, 'host')} drifted`)}
${card('unverified', drift.summary.unverifiedHosts, 'unreachable (not verified)')}
${card('unknown', drift.summary.unknown, `unknown ${drift.summary.unknown === 1 ? 'task' : 'tasks'}`, 'never drift by themselves')}
${drift.summary.failedTasks > 0 ? card('unverified', drift.summary.failedTasks, 'tasks that could not be checked') : ''}
</div>
<p class="verdict ${verdict}" id="verdict">${h(title)} · exit ${drift.exitCode}</p>
</header>
<main>
<h2>Hosts × resources</h2>
<p class="legend"><span>✓ as wanted</span><span class="muted">– skipped</span><span style="color:var(--drift)">✗ drifted</span><span style="color:var(--unknown)">? unknown (only a real run can tell)</span><span style="color:var(--unv)">⊘ host not verified</span><span>! could not be checked</span></p>
<p><label><input type="checkbox" id="only-drifted"> show only resources with drift</label></p>
<div class="grid-wrap"><table class="grid">
<thead><tr><th>resource</th>${hosts.map((host) => `<th class="host${report.hosts[host].unreachable ? ' unreachable' : ''}" title="${h(report.hosts[host].unreachable ? `unreachable: ${report.hosts[host].unreachableReason ?? ''}` : host)}">${h(host)}${report.hosts[host].unreachable ? ' ⊘' : ''}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((row) => renderRow(row, hosts, report.playbook)).join('\n')}
</tbody>
</table></div>
${renderResources(report, anchors)}
${renderUnverified(report)}
${renderErrors(report)}
${renderUnknown(report)}
</main>
<script>${PAGE_JS}</script>
</body>
</html>
`;
  return maskSecrets(page);
}

function card(kind: string, count: number, label: string, note?: string): string {
  return `<div class="card ${count > 0 ? kind : ''}"><b>${count}</b>${h(label)}${note ? `<br><small class="muted">${h(note)}</small>` : ''}</div>`;
}

function buildRows(report: DriftReport, anchors: Map<DriftResource, string>): Row[] {
  const rows = new Map<string, Row>();
  for (const [host, result] of Object.entries(report.hosts)) {
    const pending = report.drift.resources.filter((r) => r.host === host);
    for (const task of result.tasks) {
      const key = `${task.task}\u0000${task.location ?? ''}`;
      if (!rows.has(key))
        rows.set(key, {
          key,
          task: task.task,
          ...(task.location ? { location: task.location } : {}),
          cells: new Map(),
        });
      const index = pending.findIndex((r) => r.task === task.task && (r.location ?? '') === (task.location ?? ''));
      const resource = index >= 0 ? pending.splice(index, 1)[0] : undefined;
      const cell = resource
        ? {
            state: 'drifted' as const,
            anchor: anchors.get(resource),
            title: resource.changes.map((c) => c.summary).join('; '),
          }
        : cellOf(host, task);
      // A task run twice on a host (an included file) keeps its worst state.
      const existing = rows.get(key)!.cells.get(host);
      if (!existing || rank(cell.state) > rank(existing.state)) rows.get(key)!.cells.set(host, cell);
    }
  }
  for (const [host, result] of Object.entries(report.hosts)) {
    if (!result.unreachable) continue;
    for (const row of rows.values())
      if (!row.cells.has(host)) row.cells.set(host, { state: 'unverified', title: result.unreachableReason });
  }
  return [...rows.values()];
}

function cellOf(host: string, task: ReportTask): { state: CellState; title?: string } {
  if (task.status === 'failed' && !task.ignored && !task.rescued) return { state: 'failed', title: task.error };
  const unknown = unknownOf(host, task);
  if (unknown.length > 0)
    return {
      state: 'unknown',
      title: `unknown: ${unknown.map((u) => `${u.item !== undefined ? `item=${u.item}: ` : ''}${describeUnknown(u)}`).join('; ')}`,
    };
  if (task.status === 'skipped') return { state: 'skipped', title: task.skipReason };
  return { state: 'ok', title: task.error ?? task.skipReason };
}

function rank(state: CellState): number {
  return ['absent', 'skipped', 'ok', 'unknown', 'unverified', 'failed', 'drifted'].indexOf(state);
}

const SYMBOL: Record<CellState, string> = {
  ok: '✓',
  drifted: '✗ drifted',
  unknown: '?',
  skipped: '–',
  failed: '!',
  unverified: '⊘',
  absent: '',
};

function renderRow(row: Row, hosts: string[], playbook: string): string {
  const drifted = [...row.cells.values()].some((cell) => cell.state === 'drifted');
  const cells = hosts.map((host) => {
    const cell = row.cells.get(host) ?? { state: 'absent' as const };
    const title = cell.title ? ` title="${h(cell.title)}"` : '';
    const content = cell.anchor
      ? `<a href="#${cell.anchor}" data-open="${cell.anchor}">${SYMBOL.drifted}</a>`
      : SYMBOL[cell.state];
    return `<td class="${cell.state}" data-host="${h(host)}"${title}>${content}</td>`;
  });
  const location = row.location ? ` <small>${h(shortLocation(row.location, playbook)!)}</small>` : '';
  return `<tr class="row${drifted ? ' drifted' : ''}"><th title="${h(`${row.task}${row.location ? ` (${row.location})` : ''}`)}">${h(row.task)}${location}</th>${cells.join('')}</tr>`;
}

function renderResources(report: DriftReport, anchors: Map<DriftResource, string>): string {
  const resources = report.drift.resources;
  const where = (location: string | undefined) => (location ? ` ${h(shortLocation(location, report.playbook)!)}` : '');
  if (resources.length === 0)
    return '<h2>Drifted resources</h2>\n<p class="muted">None: every verified host is as the playbook wants it.</p>';
  const items = resources.map((resource) => {
    const fresh = report.drift.previousRun === null ? 'first recorded drift run' : 'new since the last run';
    const age = resource.new
      ? `<span class="badge new">${fresh}</span>`
      : `<span class="badge since" title="${h(resource.firstSeen)}">drifted since ${h(describeSince(resource.firstSeen, report.startedAt))}</span>`;
    const changes = resource.changes
      .map((change) => {
        const fromTo =
          change.from !== undefined || change.to !== undefined
            ? `<p class="fromto">on host <code class="from">${h(change.from ?? '∅')}</code> → wanted <code class="to">${h(change.to ?? '∅')}</code></p>`
            : '';
        const changeAge = change.new
          ? ''
          : ` <small class="muted" title="${h(change.firstSeen)}">(since ${h(formatTime(change.firstSeen))})</small>`;
        return `<div class="change"><div class="summary">${h(change.summary)}${changeAge}</div>${fromTo}${change.diff ? `<pre class="diff">${renderDiffLines(change.diff)}</pre>` : ''}</div>`;
      })
      .join('');
    return `<details class="resource" id="${anchors.get(resource)}" data-host="${h(resource.host)}"><summary><b>${h(resource.host)}</b> · ${h(resource.task)} <small class="muted">[${h(resource.module)}]${where(resource.location)}</small>${age}</summary>${changes}</details>`;
  });
  return `<h2>Drifted resources</h2>\n<p><button type="button" id="expand-all">expand all</button><button type="button" id="collapse-all">collapse all</button></p>\n${items.join('\n')}`;
}

function renderDiffLines(diff: string): string {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const kind =
        line.startsWith('+++') || line.startsWith('---')
          ? ''
          : line.startsWith('+')
            ? 'add'
            : line.startsWith('-')
              ? 'del'
              : line.startsWith('@@')
                ? 'hunk'
                : '';
      return kind ? `<span class="${kind}">${h(line)}</span>` : `${h(line)}\n`;
    })
    .join('');
}

function renderUnverified(report: DriftReport): string {
  const { unverified } = report.drift;
  if (unverified.length === 0) return '';
  return `<h2 id="unverified">Unreachable hosts: not verified</h2>\n<ul class="plain">${unverified.map((u) => `<li><b>${h(u.host)}</b>: ${h(u.reason)}</li>`).join('')}</ul>`;
}

function renderErrors(report: DriftReport): string {
  const { errors } = report.drift;
  if (errors.length === 0) return '';
  return `<h2 id="errors">Tasks that could not be checked</h2>\n<ul class="plain">${errors.map((e) => `<li><b>${h(e.host)}</b> · ${h(e.task)}${e.location ? ` <small class="muted">${h(shortLocation(e.location, report.playbook)!)}</small>` : ''}: ${h(e.error)}</li>`).join('')}</ul>`;
}

function renderUnknown(report: DriftReport): string {
  const { unknown } = report.drift;
  if (unknown.length === 0) return '';
  const items = unknown.map(
    (u) =>
      `<li><b>${h(u.host)}</b> · ${h(u.task)}${u.item !== undefined ? ` (item=${h(u.item)})` : ''}${u.location ? ` <small class="muted">${h(shortLocation(u.location, report.playbook)!)}</small>` : ''}: ${h(u.reason)}${u.dependsOn !== undefined ? ` <small class="muted">(depends on '${h(u.dependsOn)}')</small>` : ''}</li>`,
  );
  const strict = report.drift.strict ? ' This run was --strict, so they make it exit 1.' : '';
  return `<h2 id="unknown">Unknown tasks</h2>\n<p class="muted">What the drift run could not tell without a real run (a command without creates/removes, a task that reads what an earlier task only produces when it runs): never counted as drift.${strict}</p>\n<ul class="plain">${items.join('')}</ul>`;
}
