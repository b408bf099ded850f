import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseDrift } from '../../src/drift/analyse-drift.js';
import { renderDriftSummary } from '../../src/drift/render-summary.js';
import type { RunReport } from '../../src/report/run-report.js';
import { COMMAND_UNKNOWN, drifted, locationOf, ok, syntheticReport, unknown } from './synthetic-report.js';

const stateDir = mkdtempSync(join(tmpdir(), 'drover-drift-summary-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const plain = new Chalk({ level: 0 });
const READS_BUILD = "reads 'build', which only a real run of 'build the app' produces";

const summaryOf = (report: RunReport, strict = false) =>
  renderDriftSummary(analyseDrift(report, { stateDir, tags: [], skipTags: [] }, { strict }), plain);

describe('the drift summary of unknown tasks', () => {
  const report = syntheticReport('2026-03-01T02:00:00.000Z', {
    web1: {
      tasks: [
        drifted('write motd', 'update /etc/motd'),
        unknown('build the app'),
        unknown('start the app', READS_BUILD, 'build the app'),
      ],
    },
    web2: {
      tasks: [ok('write motd'), unknown('build the app'), unknown('start the app', READS_BUILD, 'build the app')],
    },
    db1: {
      tasks: [
        {
          task: 'install packages',
          module: 'apt',
          status: 'ok',
          changes: [],
          location: locationOf('install packages'),
          items: [
            { label: 'nginx', status: 'ok' },
            {
              label: 'pgbouncer',
              status: 'unknown',
              unknown: {
                reason: "reads 'repo', which only a real run of 'add the repo' produces",
                dependsOn: 'add the repo',
              },
            },
          ],
        },
      ],
    },
  });

  it('lists each unknown task with its hosts, its reason and the task it depends on, after the drift', () => {
    const lines = summaryOf(report).trimEnd().split('\n');
    const at = lines.indexOf('unknown: 5 tasks could not be told without a real run (never drift by themselves):');
    expect(at).toBeGreaterThan(lines.indexOf('web1: 1 resource drifted'));
    expect(lines.slice(at + 1)).toEqual([
      `  ? build the app (web1, web2): ${COMMAND_UNKNOWN}`,
      `  ? start the app (web1, web2): ${READS_BUILD} (depends on 'build the app')`,
      "  ? install packages (item=pgbouncer) (db1): reads 'repo', which only a real run of 'add the repo' produces (depends on 'add the repo')",
      'drift: 1 resource on 1 host (5 unknown)',
    ]);
  });

  it('does not count unknown tasks as drift, and says when --strict makes them fail the run', () => {
    const clean = syntheticReport('2026-03-01T02:00:00.000Z', {
      web1: { tasks: [ok('motd'), unknown('build the app')] },
    });
    const text = summaryOf(clean);
    expect(text).not.toMatch(/drifted|unverifiable/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('drift: none on 1 host (1 unknown)');
    const strict = summaryOf(clean, true);
    expect(strict).toContain(
      'unknown: 1 task could not be told without a real run (never drift by themselves, and --strict makes that exit 1):',
    );
    expect(strict.trimEnd().split('\n').at(-1)).toBe('drift: none on 1 host (1 unknown)');
  });

  it('has no unknown section when every task could be told', () => {
    const text = summaryOf(syntheticReport('2026-03-01T02:00:00.000Z', { web1: { tasks: [ok('motd')] } }));
    expect(text).toBe('drift: none on 1 host\n');
  });
});
