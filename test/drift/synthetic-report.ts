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
      unknown: host.tasks.filter((t) => t.status === 'unknown').length,
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

export const COMMAND_UNKNOWN = 'command/shell without creates/removes: what it does is known only when it runs';

/** A task whose outcome the drift run could not tell: by default an unguarded command. */
export const unknown = (task: string, reason = COMMAND_UNKNOWN, dependsOn?: string): ReportTask => ({
  task,
  module: 'command',
  status: 'unknown',
  changes: [],
  unknown: { reason, ...(dependsOn !== undefined ? { dependsOn } : {}) },
  location: locationOf(task),
});
