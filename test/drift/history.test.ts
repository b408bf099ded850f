import { mkdirSync, mkdtempSync, readFileSync, rmSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyseDrift, recordDriftRun, saveDriftRun } from '../../src/drift/analyse-drift.js';
import type { DriftReport } from '../../src/drift/build-drift-report.js';
import { readHistory, resolveStateDir } from '../../src/drift/history-store.js';
import { renderHistory } from '../../src/drift/render-history.js';
import type { ReportTask, RunReport } from '../../src/report/run-report.js';
import { COMMAND_UNKNOWN, drifted, locationOf, ok, syntheticReport, unknown } from './synthetic-report.js';

const T1 = '2026-03-01T02:00:00.000Z';
const T2 = '2026-03-02T02:00:00.000Z';
const T3 = '2026-03-03T02:00:00.000Z';

describe('drift history: first seen and new since the previous run', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'drover-drift-history-'));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const record = (report: RunReport, tags: string[] = [], strict = false): DriftReport => {
    const drift = analyseDrift(report, { stateDir, tags, skipTags: [] }, { strict });
    recordDriftRun(drift, saveDriftRun(drift), { inventory: ['/srv/inventory.yml'], tags, skipTags: [] });
    return drift;
  };
  const find = (report: DriftReport, host: string, task: string) =>
    report.drift.resources.find((r) => r.host === host && r.task === task);

  it('carries first seen over consecutive runs, marks new resources, and restarts after a clean run', () => {
    const run1 = record(
      syntheticReport(T1, {
        web1: { tasks: [drifted('nginx config', 'update /etc/nginx.conf'), ok('motd')] },
        web2: { tasks: [ok('nginx config'), ok('motd')] },
      }),
    );
    expect(run1.drift.previousRun).toBeNull();
    expect(find(run1, 'web1', 'nginx config')).toMatchObject({ firstSeen: T1, new: true });

    const run2 = record(
      syntheticReport(T2, {
        web1: {
          tasks: [
            drifted('nginx config', 'update /etc/nginx.conf', { from: 'a', to: 'b' }),
            drifted('motd', 'update /etc/motd'),
          ],
        },
        web2: { tasks: [ok('nginx config'), drifted('motd', 'update /etc/motd')] },
      }),
    );
    expect(run2.drift.previousRun).toBe(T1);
    // Still drifted, even though the content on the host changed again: identity is host + task + summary.
    expect(find(run2, 'web1', 'nginx config')).toMatchObject({ firstSeen: T1, new: false });
    expect(find(run2, 'web1', 'motd')).toMatchObject({ firstSeen: T2, new: true });
    expect(find(run2, 'web2', 'motd')).toMatchObject({ firstSeen: T2, new: true });
    expect(run2.drift.summary).toMatchObject({ driftedResources: 3, driftedHosts: 2, newResources: 2 });

    // web1's nginx config was fixed, then drifted again: a new series starts. web2's motd keeps its first seen.
    const run3 = record(
      syntheticReport(T3, {
        web1: { tasks: [ok('nginx config'), drifted('motd', 'update /etc/motd')] },
        web2: { tasks: [ok('nginx config'), drifted('motd', 'update /etc/motd')] },
      }),
    );
    expect(run3.drift.previousRun).toBe(T2);
    expect(find(run3, 'web1', 'nginx config')).toBeUndefined();
    expect(find(run3, 'web1', 'motd')).toMatchObject({ firstSeen: T2, new: false });
    expect(find(run3, 'web2', 'motd')).toMatchObject({ firstSeen: T2, new: false });

    const run4 = record(
      syntheticReport('2026-03-04T02:00:00.000Z', {
        web1: { tasks: [drifted('nginx config', 'update /etc/nginx.conf'), ok('motd')] },
        web2: { tasks: [ok('motd')] },
      }),
    );
    expect(find(run4, 'web1', 'nginx config')).toMatchObject({ firstSeen: '2026-03-04T02:00:00.000Z', new: true });
    expect(readHistory(stateDir).entries.map((e) => e.counts.driftedResources)).toEqual([1, 3, 2, 1]);
  });

  it('passes over a run in which the host was unreachable: it neither confirms nor ends the drift', () => {
    record(syntheticReport(T1, { db1: { tasks: [drifted('pg_hba', 'update /etc/pg_hba.conf')] } }));
    const run2 = record(syntheticReport(T2, { db1: { unreachable: 'connect ECONNREFUSED', tasks: [] } }));
    expect(run2.drift.unverified).toEqual([{ host: 'db1', reason: 'connect ECONNREFUSED' }]);
    expect(run2.drift.exitCode).toBe(1);
    const run3 = record(syntheticReport(T3, { db1: { tasks: [drifted('pg_hba', 'update /etc/pg_hba.conf')] } }));
    expect(find(run3, 'db1', 'pg_hba')).toMatchObject({ firstSeen: T1, new: false });
  });

  it('compares only runs of the same playbook and tag selection', () => {
    record(syntheticReport(T1, { web1: { tasks: [drifted('nginx config', 'update /etc/nginx.conf')] } }));
    // A run limited to other tags does not check the nginx config, so it must not end its series.
    record(syntheticReport(T2, { web1: { tasks: [ok('motd')] } }), ['motd']);
    const run3 = record(syntheticReport(T3, { web1: { tasks: [drifted('nginx config', 'update /etc/nginx.conf')] } }));
    expect(run3.drift.previousRun).toBe(T1);
    expect(find(run3, 'web1', 'nginx config')).toMatchObject({ firstSeen: T1, new: false });
  });

  it('counts unknown tasks apart from drift and sets the exit code from what was found', () => {
    const clean = record(syntheticReport(T1, { web1: { tasks: [ok('motd'), unknown('restart app')] } }));
    expect(clean.drift.resources).toEqual([]);
    expect(clean.drift.unknown).toEqual([
      {
        host: 'web1',
        task: 'restart app',
        module: 'command',
        location: locationOf('restart app'),
        reason: COMMAND_UNKNOWN,
      },
    ]);
    expect(clean.drift.summary.unknown).toBe(1);
    expect(clean.hosts.web1.unknown).toBe(1);
    expect(clean.drift.exitCode).toBe(0);
    const drift = record(
      syntheticReport(T2, { web1: { tasks: [drifted('motd', 'update /etc/motd'), unknown('restart app')] } }),
    );
    expect(drift.drift.exitCode).toBe(2);
    expect(drift.hosts.web1.changed).toBe(1);
    expect(readHistory(stateDir).entries.map((e) => e.counts.unknown)).toEqual([1, 1]);
    expect(readHistory(stateDir).entries[0].hosts.web1.unknownTasks).toEqual(['restart app']);
  });

  it('passes over a run in which the task was unknown: it neither ends the drift nor confirms it', () => {
    const run1 = record(
      syntheticReport(T1, { web1: { tasks: [drifted('app config', 'update /etc/app.conf'), ok('motd')] } }),
    );
    expect(find(run1, 'web1', 'app config')).toMatchObject({ firstSeen: T1, new: true });

    // Tonight the task reads what an earlier command only produces when it runs.
    const reason = "reads 'out', which only a real run of 'build' produces";
    const run2 = record(
      syntheticReport(T2, { web1: { tasks: [unknown('build'), unknown('app config', reason, 'build'), ok('motd')] } }),
    );
    // Not "still drifted": the run could not tell.
    expect(run2.drift.resources).toEqual([]);
    expect(run2.drift.summary.driftedResources).toBe(0);
    expect(run2.drift.unknown.map((u) => [u.task, u.dependsOn])).toEqual([
      ['build', undefined],
      ['app config', 'build'],
    ]);
    expect(run2.drift.exitCode).toBe(0);
    const entry = readHistory(stateDir).entries[1];
    expect(entry.hosts.web1).toMatchObject({ verified: true, drifted: {}, unknownTasks: ['build', 'app config'] });
    expect(entry.counts).toMatchObject({ driftedResources: 0, unknown: 2 });

    // Not "fixed" either: when it can be told again, the series goes on from the first night.
    const run3 = record(
      syntheticReport(T3, { web1: { tasks: [drifted('app config', 'update /etc/app.conf'), ok('motd')] } }),
    );
    expect(find(run3, 'web1', 'app config')).toMatchObject({ firstSeen: T1, new: false });
    expect(run3.drift.summary.newResources).toBe(0);

    // A run that tells it is as wanted does end the series.
    record(syntheticReport('2026-03-04T02:00:00.000Z', { web1: { tasks: [ok('app config'), ok('motd')] } }));
    const run5 = record(
      syntheticReport('2026-03-05T02:00:00.000Z', {
        web1: { tasks: [drifted('app config', 'update /etc/app.conf'), ok('motd')] },
      }),
    );
    expect(find(run5, 'web1', 'app config')).toMatchObject({ firstSeen: '2026-03-05T02:00:00.000Z', new: true });
  });

  it('keeps the series of a loop item that drifted while another item of the loop was unknown', () => {
    const loop = (status: ReportTask['status'], items: NonNullable<ReportTask['items']>, changes: string[]) => ({
      task: 'install packages',
      module: 'apt',
      status,
      changes: changes.map((summary) => ({ summary })),
      items,
      location: locationOf('install packages'),
    });
    record(
      syntheticReport(T1, {
        db1: { tasks: [loop('changed', [{ label: 'nginx', status: 'changed' }], ['install nginx'])] },
      }),
    );
    const reason = "reads 'repo', which only a real run of 'add the repository' produces";
    const run2 = record(
      syntheticReport(T2, {
        db1: {
          tasks: [
            loop(
              'changed',
              [
                { label: 'nginx', status: 'changed' },
                { label: 'pgbouncer', status: 'unknown', unknown: { reason, dependsOn: 'add the repository' } },
              ],
              ['install nginx'],
            ),
          ],
        },
      }),
    );
    expect(find(run2, 'db1', 'install packages')).toMatchObject({ firstSeen: T1, new: false });
    expect(run2.drift.unknown).toEqual([
      expect.objectContaining({ task: 'install packages', item: 'pgbouncer', reason, dependsOn: 'add the repository' }),
    ]);
    const run3 = record(
      syntheticReport(T3, {
        db1: { tasks: [loop('changed', [{ label: 'nginx', status: 'changed' }], ['install nginx'])] },
      }),
    );
    expect(find(run3, 'db1', 'install packages')).toMatchObject({ firstSeen: T1, new: false });
  });

  it('with --strict, unknown tasks make exit 1; the history says so', () => {
    const strict = record(syntheticReport(T1, { web1: { tasks: [ok('motd'), unknown('restart app')] } }), [], true);
    expect(strict.drift.exitCode).toBe(1);
    expect(strict.drift.strict).toBe(true);
    const plain = record(syntheticReport(T2, { web1: { tasks: [ok('motd'), unknown('restart app')] } }));
    expect(plain.drift.exitCode).toBe(0);
    const { entries } = readHistory(stateDir);
    expect(entries.map((e) => [e.exitCode, e.strict])).toEqual([
      [1, true],
      [0, undefined],
    ]);
    const [header, first, second] = renderHistory(entries).trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'time',
      'hosts',
      'drifted',
      'on hosts',
      'unreachable',
      'unknown',
      'exit',
      'playbook',
    ]);
    expect(first.split(/\s+/).slice(1)).toEqual(['1', '0', '0', '0', '1', '1', '/srv/site.yml', '--strict']);
    expect(second.split(/\s+/).slice(1)).toEqual(['1', '0', '0', '0', '1', '0', '/srv/site.yml']);
  });

  it('reads index lines written before unknown was a status: their unverifiable count is the unknown count', () => {
    // A line as the previous version wrote it: counts.unverifiable, no unknownTasks.
    const old = {
      version: 1,
      id: '2026-03-01T02-00-00.000Z',
      file: 'runs/2026-03-01T02-00-00.000Z.json',
      startedAt: T1,
      durationMs: 900,
      playbook: '/srv/site.yml',
      inventory: ['/srv/inventory.yml'],
      tags: [],
      skipTags: [],
      exitCode: 2,
      counts: { hosts: 1, driftedHosts: 1, driftedResources: 1, unverifiable: 3, unverifiedHosts: 0, failedTasks: 0 },
      hosts: {
        web1: { verified: true, drifted: { 'motd\u0000update /etc/motd': T1 }, failedTasks: [] },
      },
    };
    mkdirSync(join(stateDir, 'drift'), { recursive: true });
    writeFileSync(join(stateDir, 'drift/index.jsonl'), `${JSON.stringify(old)}\n`);

    const history = readHistory(stateDir);
    expect(history.damaged).toBe(0);
    expect(history.entries[0].counts.unknown).toBe(3);
    expect(history.entries[0].counts).not.toHaveProperty('unverifiable');
    expect(history.entries[0].hosts.web1.unknownTasks).toEqual([]);
    expect(renderHistory(history.entries).split('\n')[1].split(/\s+/).slice(1, 7)).toEqual([
      '1',
      '1',
      '1',
      '0',
      '3',
      '2',
    ]);

    // And later runs still carry its drift on.
    const run2 = record(syntheticReport(T2, { web1: { tasks: [drifted('motd', 'update /etc/motd')] } }));
    expect(find(run2, 'web1', 'motd')).toMatchObject({ firstSeen: T1, new: false });
    expect(readHistory(stateDir).entries.map((e) => e.counts.unknown)).toEqual([3, 0]);
  });

  it('survives a damaged index line and keeps appending whole lines after it', () => {
    record(syntheticReport(T1, { web1: { tasks: [drifted('motd', 'update /etc/motd')] } }));
    appendFileSync(join(stateDir, 'drift/index.jsonl'), '{"version":1,"id":"cut sho');
    const run2 = record(syntheticReport(T2, { web1: { tasks: [drifted('motd', 'update /etc/motd')] } }));
    expect(find(run2, 'web1', 'motd')).toMatchObject({ firstSeen: T1, new: false });
    const history = readHistory(stateDir);
    expect(history.damaged).toBe(1);
    expect(history.entries.map((e) => e.startedAt)).toEqual([T1, T2]);
    const saved = JSON.parse(readFileSync(join(stateDir, 'drift', history.entries[1].file), 'utf8'));
    expect(saved.drift.resources[0]).toMatchObject({ host: 'web1', task: 'motd', firstSeen: T1 });
  });

  it('keeps the state beside the first inventory unless --state-dir says otherwise', () => {
    expect(resolveStateDir(undefined, ['/srv/ops/inventory/hosts.yml', '/x/other.yml'])).toBe(
      '/srv/ops/inventory/.drover',
    );
    expect(resolveStateDir('/var/lib/drover', ['/srv/ops/hosts.yml'])).toBe('/var/lib/drover');
    expect(resolveStateDir(undefined, ['web1,web2,'])).toBe(join(process.cwd(), '.drover'));
  });
});
