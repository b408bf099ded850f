import type { ReportHost, ReportTask, RunReport } from '../../src/report/run-report.js';

/** A drift-mode run report as the engine would produce it, for tests of what comes after the engine. */
export function syntheticReport(
  startedAt: string,
  hosts: Record<string, { unreachable?: string; tasks: ReportTask[] }>,
): RunReport {
  const out: Record<string, ReportHost> = {};
  for (const [name, host] of Object.entries(hosts)) {
    out[name] = {
      ok: host.tasks.filter((t) => t.status === 'ok' || t.status === 'changed').length,
      changed: host.tasks.filter((t) => t.status === 'changed').length,
      failed: host.tasks.filter((t) => t.status === 'failed').length,
      skipped: host.tasks.filter((t) => t.status === 'skipped').length,
      rescued: 0,
      ignored: 0,
      unreachable: host.unreachable !== undefined,
      ...(host.unreachable !== undefined ? { unreachableReason: host.unreachable } : {}),
      execs: 1,
      tasks: host.tasks,
    };
  }
  return {
    version: 1,
    playbook: '/srv/site.yml',
    mode: 'drift',
    startedAt,
    durationMs: 1200,
    interrupted: false,
    hosts: out,
  };
}

/** The same task has the same location on every host, as with a real playbook. */
export const locationOf = (task: string): string =>
  `site.yml:${([...task].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 90) + 2}:7`;

export const ok = (task: string): ReportTask => ({
  task,
  module: 'copy',
  status: 'ok',
  changes: [],
  location: locationOf(task),
});

export const drifted = (
  task: string,
  summary: string,
  extra: Partial<ReportTask['changes'][number]> = {},
): ReportTask => ({
  task,
  module: 'copy',
  status: 'changed',
  changes: [{ summary, ...extra }],
  location: locationOf(task),
});

export const unverifiable = (task: string): ReportTask => ({
  task,
  module: 'command',
  status: 'skipped',
  changes: [{ summary: `run: ${task}` }],
  unverifiable: true,
  skipReason: 'cannot be verified in check mode',
  location: locationOf(task),
});
