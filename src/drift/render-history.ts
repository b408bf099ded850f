import type { DriftHistoryEntry } from './history-entry.js';

/** `drover drift --history`: one line per past run, oldest first. */
export function renderHistory(entries: DriftHistoryEntry[]): string {
  if (entries.length === 0) return 'no drift runs recorded yet\n';
  const rows = entries.map((e) => [
    e.startedAt,
    String(e.counts.hosts),
    String(e.counts.driftedResources),
    String(e.counts.driftedHosts),
    String(e.counts.unverifiedHosts),
    String(e.counts.unknown),
    String(e.exitCode),
    `${relativePlaybook(e.playbook)}${e.limit ? ` --limit ${e.limit}` : ''}${e.tags.length ? ` --tags ${e.tags.join(',')}` : ''}${e.strict ? ' --strict' : ''}${e.onDrift && e.onDrift.exitCode !== 0 ? ' (on-drift command failed)' : ''}`,
  ]);
  const header = ['time', 'hosts', 'drifted', 'on hosts', 'unreachable', 'unknown', 'exit', 'playbook'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[format(header), ...rows.map(format)].join('\n')}\n`;
}

function relativePlaybook(path: string): string {
  const cwd = process.cwd();
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}
