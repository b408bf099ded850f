import { mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyseDrift, recordDriftRun, saveDriftRun } from '../../src/drift/analyse-drift.js';
import type { DriftReport } from '../../src/drift/build-drift-report.js';
import { readHistory, resolveStateDir } from '../../src/drift/history-store.js';
import type { RunReport } from '../../src/report/run-report.js';
import { drifted, locationOf, ok, syntheticReport, unverifiable } from './synthetic-report.js';

const T1 = '2026-03-01T02:00:00.000Z';
const T2 = '2026-03-02T02:00:00.000Z';
const T3 = '2026-03-03T02:00:00.000Z';

describe('drift history: first seen and new since the previous run', () => {
  let stateDir: string;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'drover-drift-history-'));
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const record = (report: RunReport, tags: string[] = []): DriftReport => {
    const drift = analyseDrift(report, { stateDir, tags, skipTags: [] });
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

  it('counts unverifiable tasks apart from drift and sets the exit code from what was found', () => {
    const clean = record(syntheticReport(T1, { web1: { tasks: [ok('motd'), unverifiable('restart app')] } }));
    expect(clean.drift.resources).toEqual([]);
    expect(clean.drift.unverifiable).toEqual([
      { host: 'web1', task: 'restart app', module: 'command', location: locationOf('restart app') },
    ]);
    expect(clean.drift.exitCode).toBe(0);
    const drift = record(
      syntheticReport(T2, { web1: { tasks: [drifted('motd', 'update /etc/motd'), unverifiable('restart app')] } }),
    );
    expect(drift.drift.exitCode).toBe(2);
    expect(drift.hosts.web1.changed).toBe(1);
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
