import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../src/engine/events.js';
import { HostState } from '../../src/engine/host-state.js';
import type { RunOutcome } from '../../src/engine/run-playbook.js';
import { buildRunReport } from '../../src/report/run-report.js';

function outcomeOf(results: TaskResult[]): RunOutcome {
  const host = new HostState('web1', {});
  for (const result of results) {
    host.results.push(result);
    if (result.status === 'unknown') host.stats.unknown++;
    else if (result.status === 'skipped') host.stats.skipped++;
    else host.stats.ok++;
  }
  return { hosts: new Map([['web1', host]]), order: ['web1'], interrupted: false };
}

const meta = { playbook: '/srv/site.yml', mode: 'check' as const, startedAt: new Date(0), durationMs: 5 };

describe('the run report JSON of unknown tasks', () => {
  const report = buildRunReport(
    outcomeOf([
      {
        task: 'touch a marker',
        module: 'command',
        status: 'unknown',
        changes: [],
        unknown: { reason: 'command/shell without creates/removes: what it does is known only when it runs' },
        location: '/srv/site.yml:3:7',
      },
      {
        task: 'start the app',
        module: 'service',
        status: 'unknown',
        changes: [],
        unknown: {
          reason: "reads 'marker', which only a real run of 'touch a marker' produces",
          dependsOn: 'touch a marker',
        },
      },
      {
        task: 'install packages',
        module: 'apt',
        status: 'ok',
        changes: [],
        items: [
          { label: 'nginx', status: 'ok', changes: [] },
          {
            label: 'pgbouncer',
            status: 'unknown',
            changes: [],
            unknown: {
              reason: "reads 'repo', which only a real run of 'add the repo' produces",
              dependsOn: 'add the repo',
            },
          },
        ],
      },
    ]),
    meta,
  );
  const [command, reader, loop] = report.hosts.web1.tasks;

  it('has status unknown with unknown: {reason, dependsOn}', () => {
    expect(command).toEqual({
      task: 'touch a marker',
      module: 'command',
      status: 'unknown',
      changes: [],
      unknown: { reason: 'command/shell without creates/removes: what it does is known only when it runs' },
      // Relative to the playbook's directory, as the user wrote the path.
      location: 'site.yml:3:7',
    });
    expect(reader).toMatchObject({
      status: 'unknown',
      unknown: {
        reason: "reads 'marker', which only a real run of 'touch a marker' produces",
        dependsOn: 'touch a marker',
      },
    });
    expect(loop.items).toEqual([
      { label: 'nginx', status: 'ok' },
      {
        label: 'pgbouncer',
        status: 'unknown',
        unknown: {
          reason: "reads 'repo', which only a real run of 'add the repo' produces",
          dependsOn: 'add the repo',
        },
      },
    ]);
  });

  it('counts unknown tasks per host, and has no unverifiable field any more', () => {
    expect(report.hosts.web1).toMatchObject({ ok: 1, skipped: 0, unknown: 2 });
    expect(JSON.stringify(report)).not.toContain('unverifiable');
  });
});
