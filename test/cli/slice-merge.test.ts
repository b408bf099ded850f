import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/build-drift-report.js';
import type { DriftHistoryEntry } from '../../src/drift/history-entry.js';
import type { RunReport } from '../../src/report/run-report.js';
import { sliceOfHost } from '../../src/cli/slice.js';
import { runCli } from '../helpers/run-cli.js';
import { parseXml } from '../drift/parse-xml.js';

/** Ten local hosts, in name order (so the merged report's name order is the inventory's). */
const HOSTS = Array.from({ length: 10 }, (_, i) => `host${String(i + 1).padStart(2, '0')}`);
const WEB = HOSTS.slice(0, 6);
const DB = HOSTS.slice(6);
const SLICES = 4;

const PLAYBOOK = `- name: site
  hosts: all
  gather_facts: false
  tasks:
    - name: write the config
      copy:
        dest: "{{ root }}/{{ inventory_hostname }}.conf"
        content: "port=8000\\n"
    - name: unguarded command
      command: "true"
    - name: only on web hosts
      debug: msg="web {{ inventory_hostname }}"
      when: "'web' in group_names"
    - name: say who
      debug: msg="{{ inventory_hostname }}"
- name: databases
  hosts: db
  gather_facts: false
  tasks:
    - name: write the db marker
      copy:
        dest: "{{ root }}/{{ inventory_hostname }}.db"
        content: "db\\n"
`;
const TASKS = ['write the config', 'unguarded command', 'only on web hosts', 'say who', 'write the db marker'];

let dir: string;
let root: string;
const inventory = () => join(dir, 'hosts.ini');
const playbook = () => join(dir, 'site.yml');
const file = (name: string) => join(dir, name);
const readJson = <T>(name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as T;

/** `drover MODE` on the whole inventory, then on each of the slices side by side, as N controllers would. */
async function runWholeAndSlices(mode: 'run' | 'check' | 'drift', extra: (slice: number | undefined) => string[]) {
  const base = [mode, playbook(), '-i', inventory(), '-e', `root=${root}`];
  const whole = await runCli([...base, '--report', file(`${mode}-whole.json`), ...extra(undefined)]);
  if (mode === 'run') resetRoot();
  const slices = await Promise.all(
    Array.from({ length: SLICES }, (_, i) =>
      runCli([...base, '--slice', `${i + 1}/${SLICES}`, '--report', file(`${mode}-${i + 1}.json`), ...extra(i + 1)]),
    ),
  );
  return { whole, slices, reports: slices.map((_, i) => file(`${mode}-${i + 1}.json`)) };
}

function resetRoot(): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
}

/** The report without what differs from one run to the next: when it ran and how long it took. */
function untimed(report: RunReport | DriftReport): unknown {
  const { startedAt: _started, durationMs: _duration, ...timed } = report;
  const { renderMs: _render, ...rest } = timed as typeof timed & { renderMs?: number };
  if (!('drift' in rest)) return rest;
  const { runId: _run, stateDir: _state, ...drift } = rest.drift;
  const resources = drift.resources.map((resource) => ({
    ...resource,
    firstSeen: resource.firstSeen === report.startedAt ? 'this run' : resource.firstSeen,
    changes: resource.changes.map((change) => ({
      ...change,
      firstSeen: change.firstSeen === report.startedAt ? 'this run' : change.firstSeen,
    })),
  }));
  return { ...rest, drift: { ...drift, resources } };
}

/** JUnit without its timing attributes. */
const untimedJunit = (xml: string) => xml.replace(/ (timestamp|time)="[^"]*"/g, ' $1="-"');

function historyOf(stateDir: string): DriftHistoryEntry[] {
  const index = join(stateDir, 'drift/index.jsonl');
  if (!existsSync(index)) return [];
  return readFileSync(index, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DriftHistoryEntry);
}

/** A history entry's per-host facts, first-seen times replaced by whether they are the run's own start. */
function untimedHosts(entry: DriftHistoryEntry): unknown {
  return Object.fromEntries(
    Object.entries(entry.hosts).map(([host, facts]) => [
      host,
      {
        ...facts,
        drifted: Object.fromEntries(
          Object.entries(facts.drifted).map(([id, seen]) => [id, seen === entry.startedAt ? 'this run' : seen]),
        ),
      },
    ]),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-slice-merge-'));
  root = join(dir, 'root');
  mkdirSync(root);
  writeFileSync(
    inventory(),
    `[web]\n${WEB.map((h) => `${h} ansible_connection=local`).join('\n')}\n[db]\n${DB.map((h) => `${h} ansible_connection=local`).join('\n')}\n`,
  );
  writeFileSync(playbook(), PLAYBOOK);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('4 slices of an inventory, merged, are the run of the whole inventory', () => {
  it('has hosts in more than one slice (else the test would prove little)', () => {
    const used = new Set(HOSTS.map((host) => sliceOfHost(host, SLICES)));
    expect(used.size).toBeGreaterThan(2);
  });

  it('run: same hosts, task statuses and changes as the unsliced run', async () => {
    const { whole, slices, reports } = await runWholeAndSlices('run', () => []);
    expect(whole.code).toBe(0);
    for (const slice of slices) expect(slice.code).toBe(0);
    const sliceHosts = reports.map((path) => Object.keys((JSON.parse(readFileSync(path, 'utf8')) as RunReport).hosts));
    expect(sliceHosts.flat().sort()).toEqual(HOSTS);

    const merged = await runCli(['report', 'merge', file('run-merged.json'), ...reports]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('PLAY RECAP');
    for (const host of HOSTS) expect(merged.stdout).toMatch(new RegExp(`^${host} +: ok=`, 'm'));

    const wholeReport = readJson<RunReport>('run-whole.json');
    const mergedReport = readJson<RunReport>('run-merged.json');
    expect(Object.keys(mergedReport.hosts)).toEqual(HOSTS);
    expect(mergedReport).not.toHaveProperty('slice');
    expect(untimed(mergedReport)).toEqual(untimed(wholeReport));
    expect(mergedReport.hosts.host07.tasks.map((t) => [t.task, t.status])).toEqual([
      ['write the config', 'changed'],
      ['unguarded command', 'changed'],
      ['only on web hosts', 'skipped'],
      ['say who', 'ok'],
      ['write the db marker', 'changed'],
    ]);

    // The earliest start, the longest duration.
    const parts = reports.map((path) => JSON.parse(readFileSync(path, 'utf8')) as RunReport);
    expect(mergedReport.startedAt).toBe(parts.map((p) => p.startedAt).sort()[0]);
    expect(mergedReport.durationMs).toBe(Math.max(...parts.map((p) => p.durationMs)));
  });

  it('check: the same, and the merged run exits as the whole run', async () => {
    writeFileSync(join(root, 'host02.conf'), 'port=9000\n');
    rmSync(join(root, 'host08.db'));
    const { whole, slices, reports } = await runWholeAndSlices('check', () => []);
    expect(whole.code).toBe(0);
    for (const slice of slices) expect(slice.code).toBe(0);
    const merged = await runCli(['report', 'merge', file('check-merged.json'), ...reports.reverse()]);
    expect(merged.code).toBe(whole.code);
    const mergedReport = readJson<RunReport>('check-merged.json');
    expect(mergedReport.mode).toBe('check');
    expect(Object.keys(mergedReport.hosts)).toEqual(HOSTS);
    expect(untimed(mergedReport)).toEqual(untimed(readJson<RunReport>('check-whole.json')));
    expect(mergedReport.hosts.host02.tasks[0]).toMatchObject({ task: 'write the config', status: 'changed' });
    expect(mergedReport.hosts.host08.tasks.at(-1)).toMatchObject({ task: 'write the db marker', status: 'changed' });
  });

  it('drift: the same report, JUnit and HTML, and one history entry with the counts of the unsliced run', async () => {
    const wholeState = file('whole-state');
    const sliceState = file('slice-state');
    const { whole, slices, reports } = await runWholeAndSlices('drift', (slice) =>
      slice === undefined
        ? ['--state-dir', wholeState, '--junit', file('drift-whole.xml'), '--html', file('drift-whole.html')]
        : ['--state-dir', sliceState],
    );
    expect(whole.code).toBe(2);
    // A slice none of whose hosts a play selects is told so, as a --limit would be.
    const warnings = slices.flatMap((s) => s.stderr.split('\n').filter(Boolean));
    for (const warning of warnings) expect(warning).toBe("[WARNING]: play 'databases': no hosts matched 'db'");
    // The slices leave the history to the merge.
    expect(historyOf(sliceState)).toEqual([]);

    const merged = await runCli([
      'report',
      'merge',
      file('drift-merged.json'),
      ...reports,
      '--junit',
      file('drift-merged.xml'),
      '--html',
      file('drift-merged.html'),
    ]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.code);
    expect(merged.stdout).toBe(whole.stdout);

    const mergedReport = readJson<DriftReport>('drift-merged.json');
    const wholeReport = readJson<DriftReport>('drift-whole.json');
    expect(Object.keys(mergedReport.hosts)).toEqual(HOSTS);
    expect(untimed(mergedReport)).toEqual(untimed(wholeReport));
    expect(mergedReport.drift.resources.map((r) => [r.host, r.task])).toEqual([
      ['host02', 'write the config'],
      ['host08', 'write the db marker'],
    ]);
    expect(mergedReport.drift.stateDir).toBe(sliceState);

    const mergedJunit = readFileSync(file('drift-merged.xml'), 'utf8');
    parseXml(mergedJunit);
    expect(untimedJunit(mergedJunit)).toBe(untimedJunit(readFileSync(file('drift-whole.xml'), 'utf8')));

    const html = readFileSync(file('drift-merged.html'), 'utf8');
    for (const host of HOSTS) expect(html).toContain(`>${host}</th>`);
    for (const task of TASKS) expect(html).toContain(task);

    const [entry, ...more] = historyOf(sliceState);
    expect(more).toEqual([]);
    const [wholeEntry] = historyOf(wholeState);
    expect(entry.counts).toEqual(wholeEntry.counts);
    expect(entry.exitCode).toBe(wholeEntry.exitCode);
    expect(entry.inventory).toEqual(wholeEntry.inventory);
    expect(untimedHosts(entry)).toEqual(untimedHosts(wholeEntry));
    expect(entry.startedAt).toBe(mergedReport.startedAt);
    expect(existsSync(join(sliceState, 'drift', entry.file))).toBe(true);

    // --strict given to the merge, as drift --strict: the unknown command makes exit 1.
    const strictWhole = await runCli([
      'drift',
      playbook(),
      '-i',
      inventory(),
      '-e',
      `root=${root}`,
      '--strict',
      '--state-dir',
      file('strict-whole-state'),
    ]);
    const strictState = file('strict-state');
    mkdirSync(file('hook'));
    const strict = await runCli([
      'report',
      'merge',
      file('strict.json'),
      ...reports,
      '--strict',
      '--state-dir',
      strictState,
      '--on-drift',
      `cp -t ${file('hook')}`,
    ]);
    expect(strict.code).toBe(strictWhole.code);
    expect(strict.code).toBe(1);
    expect(readJson<DriftReport>('strict.json').drift.strict).toBe(true);
    expect(historyOf(strictState)).toHaveLength(1);
    // --on-drift runs once, on the merged report.
    expect(JSON.parse(readFileSync(join(file('hook'), 'strict.json'), 'utf8'))).toEqual(readJson('strict.json'));
    expect(historyOf(strictState)[0].onDrift).toMatchObject({ exitCode: 0 });
  });

  it('a matrix with more slices than hosts still passes: empty slices write empty reports, and merge', async () => {
    const small = file('small.ini');
    writeFileSync(small, 'a1 ansible_connection=local\nb2 ansible_connection=local\nc3 ansible_connection=local\n');
    const count = 5;
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runCli([
          'drift',
          playbook(),
          '-i',
          small,
          '-e',
          `root=${root}`,
          '--slice',
          `${i + 1}/${count}`,
          '--report',
          file(`small-${i + 1}.json`),
          '--state-dir',
          file('small-state'),
        ]),
      ),
    );
    const empty = results.flatMap((result, i) => (result.stdout.includes('has no hosts') ? [i + 1] : []));
    expect(empty.length).toBeGreaterThanOrEqual(2);
    for (const index of empty) {
      expect(results[index - 1].code).toBe(0);
      expect(results[index - 1].stdout).toBe(`slice ${index}/${count} has no hosts: nothing to run\n`);
      const report = readJson<DriftReport>(`small-${index}.json`);
      expect(report.hosts).toEqual({});
      expect(report.drift.exitCode).toBe(0);
    }
    const merged = await runCli([
      'report',
      'merge',
      file('small-merged.json'),
      ...results.map((_, i) => file(`small-${i + 1}.json`)),
    ]);
    expect(merged.stderr).toBe('');
    expect(Object.keys(readJson<DriftReport>('small-merged.json').hosts)).toEqual(['a1', 'b2', 'c3']);
    expect(historyOf(file('small-state'))).toHaveLength(1);
  });
});

describe('drover report merge refuses reports that are not one run', () => {
  it('of different modes, of a missing or repeated slice, or with a host twice (exit 5)', async () => {
    const run = [1, 2, 3, 4].map((i) => file(`run-${i}.json`));
    const check = [1, 2, 3, 4].map((i) => file(`check-${i}.json`));
    const mixed = await runCli(['report', 'merge', file('x.json'), run[0], check[1], run[2], run[3]]);
    expect(mixed.code).toBe(5);
    expect(mixed.stderr).toMatch(/cannot merge a check report .* with a run report .*: all must be of one mode/);

    const missing = await runCli(['report', 'merge', file('x.json'), run[0], run[1], run[3]]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('the report of slice 3/4 is missing');
    const allowed = await runCli(['report', 'merge', file('x.json'), run[0], run[1], run[3], '--allow-missing']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('[WARNING]: the report of slice 3/4 is missing');

    const twice = await runCli(['report', 'merge', file('x.json'), ...run, run[1]]);
    expect(twice.code).toBe(5);
    expect(twice.stderr).toContain('are both slice 2/4');

    const hostTwice = await runCli(['report', 'merge', file('x.json'), file('run-whole.json'), file('run-whole.json')]);
    expect(hostTwice.code).toBe(5);
    expect(hostTwice.stderr).toContain('host host01 is in both');

    const driftOptions = await runCli(['report', 'merge', file('x.json'), ...run, '--junit', file('x.xml')]);
    expect(driftOptions.code).toBe(5);
    expect(driftOptions.stderr).toContain('--junit: only for drift reports, and these are run reports');

    writeFileSync(file('not-a-report.json'), '{"hello": 1}\n');
    const notReport = await runCli(['report', 'merge', file('x.json'), file('not-a-report.json')]);
    expect(notReport.code).toBe(4);
    expect(notReport.stderr).toContain('is not a drover JSON report');
    expect(notReport.stderr).not.toMatch(/\n\s+at /);
  });
});
