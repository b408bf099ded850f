import { describe, expect, it } from 'vitest';
import {
  asReport,
  mergeReports,
  MergeReportsError,
  NotAReportError,
  type MergeInput,
  type ReportSlice,
  type SliceReport,
} from '../../src/report/merge-reports.js';
import type { ReportHost } from '../../src/report/run-report.js';

const host = (changed = 0): ReportHost => ({
  ok: 1,
  changed,
  failed: 0,
  skipped: 0,
  unknown: 0,
  rescued: 0,
  ignored: 0,
  unreachable: false,
  execs: 1,
  tasks: [{ task: 't', module: 'debug', status: changed ? 'changed' : 'ok', changes: [] }],
});

const slice = (index: number, count = 3, extra: Partial<ReportSlice> = {}): ReportSlice => ({
  index,
  count,
  inventory: ['/srv/inventory'],
  tags: [],
  skipTags: [],
  ...extra,
});

function input(file: string, hosts: string[], extra: Partial<SliceReport> = {}): MergeInput {
  return {
    file,
    report: {
      version: 1,
      playbook: '/srv/site.yml',
      mode: 'run',
      startedAt: '2026-11-21T02:15:00.000Z',
      durationMs: 1000,
      interrupted: false,
      hosts: Object.fromEntries(hosts.map((name) => [name, host()])),
      ...extra,
    },
  };
}

describe('mergeReports', () => {
  it('sorts hosts by name, takes the earliest start and the longest duration, and drops the slice', () => {
    const { report, scope, missing } = mergeReports([
      input('b.json', ['web2', 'db1'], { slice: slice(2), startedAt: '2026-11-21T02:15:03.000Z', durationMs: 900 }),
      input('a.json', ['web10', 'Web1'], { slice: slice(1), startedAt: '2026-11-21T02:15:01.500Z', durationMs: 4000 }),
      input('c.json', [], { slice: slice(3), startedAt: '2026-11-21T02:15:02.000Z', durationMs: 0 }),
    ]);
    expect(Object.keys(report.hosts)).toEqual(['Web1', 'db1', 'web10', 'web2']);
    expect(report.startedAt).toBe('2026-11-21T02:15:01.500Z');
    expect(report.durationMs).toBe(4000);
    expect(report).not.toHaveProperty('slice');
    expect(report.interrupted).toBe(false);
    expect(scope).toEqual({ inventory: ['/srv/inventory'], tags: [], skipTags: [] });
    expect(missing).toEqual([]);
  });

  it('gives the same result whatever the order of its inputs', () => {
    const inputs = [
      input('a.json', ['h3', 'h1'], { slice: slice(1), durationMs: 5 }),
      input('b.json', ['h2'], { slice: slice(2), startedAt: '2026-11-20T00:00:00.000Z' }),
      input('c.json', ['h4'], { slice: slice(3), interrupted: true }),
    ];
    const forward = mergeReports(inputs).report;
    expect(mergeReports([...inputs].reverse()).report).toEqual(forward);
    expect(JSON.stringify(mergeReports([inputs[1], inputs[2], inputs[0]]).report)).toBe(JSON.stringify(forward));
    expect(forward.interrupted).toBe(true);
    expect(forward.startedAt).toBe('2026-11-20T00:00:00.000Z');
  });

  it('keeps each host as its slice reported it', () => {
    const a = input('a.json', ['h1']);
    a.report.hosts.h1 = host(1);
    const { report } = mergeReports([a, input('b.json', ['h2'])]);
    expect(report.hosts.h1).toEqual(host(1));
    expect(report.hosts.h2).toEqual(host());
  });

  it('refuses reports of different modes or playbooks, or with a host in two of them', () => {
    expect(() => mergeReports([input('a.json', ['h1']), input('b.json', ['h2'], { mode: 'check' })])).toThrow(
      /cannot merge a check report \(b\.json\) with a run report \(a\.json\)/,
    );
    expect(() =>
      mergeReports([input('a.json', ['h1']), input('b.json', ['h2'], { playbook: '/srv/other.yml' })]),
    ).toThrow(/different playbooks/);
    expect(() => mergeReports([input('a.json', ['h1', 'h2']), input('b.json', ['h2'])])).toThrow(
      /host h2 is in both a\.json and b\.json/,
    );
    expect(() => mergeReports([])).toThrow(MergeReportsError);
  });

  it('refuses slices of different runs, a slice twice, a missing slice, and sliced with unsliced reports', () => {
    const sliced = (index: number, hosts: string[], extra: Partial<ReportSlice> = {}) =>
      input(`s${index}.json`, hosts, { slice: slice(index, 3, extra) });
    expect(() => mergeReports([sliced(1, ['a']), input('x.json', ['b'], { slice: slice(2, 4) })])).toThrow(
      /all must be slices of one --slice K\/3 run/,
    );
    expect(() => mergeReports([sliced(1, ['a']), sliced(2, ['b'], { tags: ['web'] }), sliced(3, [])])).toThrow(
      /different --tags, --skip-tags or --limit/,
    );
    expect(() => mergeReports([sliced(1, ['a']), sliced(1, ['b']), sliced(3, [])])).toThrow(/both slice 1\/3/);
    expect(() => mergeReports([sliced(1, ['a']), input('x.json', ['b'])])).toThrow(/was not written with --slice/);
    expect(() => mergeReports([sliced(2, ['a'])])).toThrow(/the reports of slices 1\/3, 3\/3 are missing/);
    const partial = mergeReports([sliced(1, ['a']), sliced(3, ['c'])], { allowMissing: true });
    expect(partial.missing).toEqual(['2/3']);
    expect(Object.keys(partial.report.hosts)).toEqual(['a', 'c']);
  });

  it('takes tags in any order as the same selection, and passes the limit on', () => {
    const { scope } = mergeReports([
      input('a.json', ['a'], { slice: slice(1, 2, { tags: ['a', 'b'], limit: 'web' }) }),
      input('b.json', ['b'], { slice: slice(2, 2, { tags: ['b', 'a'], limit: 'web' }) }),
    ]);
    expect(scope).toEqual({ inventory: ['/srv/inventory'], tags: ['a', 'b'], skipTags: [], limit: 'web' });
  });
});

describe('asReport', () => {
  it('accepts a run report and says why anything else is not one', () => {
    const good = input('a.json', ['h1']).report;
    expect(asReport('a.json', good)).toBe(good);
    expect(() => asReport('x.json', [])).toThrow(NotAReportError);
    expect(() => asReport('x.json', { ...good, version: 2 })).toThrow(
      /x\.json is not a drover JSON report .*version 2/,
    );
    expect(() => asReport('x.json', { ...good, mode: 'adhoc' })).toThrow(/mode "adhoc"/);
    expect(() => asReport('x.json', { ...good, startedAt: 'yesterday' })).toThrow(/startedAt/);
    expect(() => asReport('x.json', { ...good, mode: 'drift' })).toThrow(/without a drift section/);
  });
});
