import { createHash } from 'node:crypto';
import {
  copyFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/build-drift-report.js';
import { runCli } from '../helpers/run-cli.js';
import { findAll, parseXml } from './parse-xml.js';

const FIXTURE = new URL('../fixtures/drift-site/', import.meta.url).pathname;
const COMMAND_UNKNOWN = 'command/shell without creates/removes: what it does is known only when it runs';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every path under dir with its type, mode, size, mtime and content checksum. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const stat = lstatSync(full);
      const sum = stat.isFile() ? createHash('sha256').update(readFileSync(full)).digest('hex') : '-';
      out.push(`${full.slice(dir.length)} ${stat.mode.toString(8)} ${stat.size} ${stat.mtimeMs} ${sum}`);
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

describe('drover drift over the local connection', () => {
  let root: string;
  let ops: string;
  const site = join(FIXTURE, 'site.yml');
  const inventory = () => join(ops, 'inventory.yml');
  const drift = (...extra: string[]) => runCli(['drift', site, '-i', inventory(), '-e', `root=${root}`, ...extra]);
  const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as DriftReport;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'drover-drift-site-'));
    ops = mkdtempSync(join(tmpdir(), 'drover-drift-ops-'));
    copyFileSync(join(FIXTURE, 'inventory.yml'), inventory());
    copyFileSync(join(FIXTURE, 'inventory-unreachable.yml'), join(ops, 'inventory-unreachable.yml'));
    const deployed = await runCli(['run', site, '-i', inventory(), '-e', `root=${root}`]);
    expect(deployed.stderr).toBe('');
    expect(deployed.code).toBe(0);
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(ops, { recursive: true, force: true });
  });

  it('finds no drift right after a deploy, lists the unguarded command as unknown, and exits 0', async () => {
    const before = listing(root);
    const report = join(ops, 'clean.json');
    const result = await drift('--report', report);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`? touch a marker (local1): ${COMMAND_UNKNOWN}`);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('drift: none on 1 host (1 unknown)');
    expect(result.stdout).not.toContain('unverifiable');
    const json = readReport(report);
    expect(json.mode).toBe('drift');
    expect(json.drift.resources).toEqual([]);
    expect(json.drift.unknown.map((u) => [u.task, u.reason])).toEqual([['touch a marker', COMMAND_UNKNOWN]]);
    expect(json.drift.summary.unknown).toBe(1);
    expect(json.hosts.local1.tasks.find((t) => t.task === 'touch a marker')).toMatchObject({
      status: 'unknown',
      unknown: { reason: COMMAND_UNKNOWN },
    });
    expect(json.hosts.local1).toMatchObject({ changed: 0, unknown: 1 });
    // Kept beside the inventory by default.
    expect(existsSync(join(ops, '.drover/drift/index.jsonl'))).toBe(true);
    expect(listing(root)).toEqual(before);
  });

  it('with --strict, exits 1 for the unknown task alone, and -v shows its unknown line', async () => {
    const stateDir = join(ops, 'strict-state');
    const result = await drift('--strict', '-v', '--state-dir', stateDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^unknown: \\[local1\\] => ${COMMAND_UNKNOWN}$`, 'm'));
    expect(result.stdout).toContain('and --strict makes that exit 1');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('drift: none on 1 host (1 unknown)');
    const history = await runCli(['drift', '--history', '--state-dir', stateDir]);
    expect(history.stdout.trimEnd().split('\n').at(-1)).toMatch(/ 1 +1 +\S+site\.yml --strict$/);
  });

  it('after a manual edit, reports exactly that resource with from → to and its diff, exits 2, and changes nothing', async () => {
    const conf = join(root, 'etc/app.conf');
    writeFileSync(conf, 'port=9000\nworkers=4\n');
    const before = listing(root);
    const report = join(ops, 'drift.json');
    const junit = join(ops, 'drift.xml');
    const html = join(ops, 'drift.html');
    const result = await drift('--report', report, '--junit', junit, '--html', html);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(listing(root)).toEqual(before);
    expect(readFileSync(conf, 'utf8')).toBe('port=9000\nworkers=4\n');

    const json = readReport(report);
    expect(json.drift.resources.map((r) => [r.host, r.task])).toEqual([['local1', 'write the app config']]);
    const [resource] = json.drift.resources;
    expect(resource.new).toBe(true);
    expect(resource.firstSeen).toBe(json.startedAt);
    const withDiff = resource.changes.find((c) => c.diff);
    expect(withDiff?.diff).toContain('-port=9000');
    expect(withDiff?.diff).toContain('+port=8000');
    expect(resource.changes).toHaveLength(1);
    expect(resource.changes[0]).toMatchObject({
      from: `sha256:${sha256('port=9000\nworkers=4\n').slice(0, 12)}`,
      to: `sha256:${sha256('port=8000\nworkers=4\n').slice(0, 12)}`,
    });
    expect(json.hosts.local1.changed).toBe(1);
    expect(json.hosts.local1.tasks.some((t) => t.handler)).toBe(false);
    expect(json.drift.unknown.map((u) => u.task)).toEqual(['touch a marker']);

    expect(result.stdout).toContain('local1: 1 resource drifted');
    expect(result.stdout).toContain('write the app config');
    expect(result.stdout).toContain(`(${resource.changes[0].from} → ${resource.changes[0].to})`);
    expect(result.stdout).toContain('-port=9000');
    expect(result.stdout).toContain('(new since the last run)');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('drift: 1 resource on 1 host (1 new, 1 unknown)');

    const xml = parseXml(readFileSync(junit, 'utf8'));
    expect(xml.attributes).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '1' });
    expect(findAll(xml, 'skipped')[0].attributes.message).toBe(`unknown: ${COMMAND_UNKNOWN}`);
    expect(findAll(xml, 'failure')[0].text).toContain('+port=8000');
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<tr class="row[^"]*">/g)).toHaveLength(4);
    expect(page.match(/<tr class="row drifted">/g)).toHaveLength(1);
    expect(page).toMatch(/<td class="unknown" data-host="local1"[^>]*>\?<\/td>/);
    expect(page).toContain('+port=8000');
  });

  it('on the next run the same drift keeps its first seen and a new one is marked new; --history lists the runs', async () => {
    const first = readReport(join(ops, 'drift.json'));
    chmodSync(join(root, 'etc/motd'), 0o600);
    const report = join(ops, 'again.json');
    const result = await drift('--report', report);
    expect(result.code).toBe(2);
    const json = readReport(report);
    expect(json.drift.resources.map((r) => [r.task, r.new, r.firstSeen])).toEqual([
      ['write the app config', false, first.startedAt],
      ['write the motd', true, json.startedAt],
    ]);
    expect(json.drift.resources[1].changes.map((c) => [c.from, c.to])).toEqual([['0600', '0644']]);
    expect(result.stdout).toContain(
      `(drifted since ${first.startedAt.slice(0, 16).replace('T', ' ')} UTC, less than an hour)`,
    );
    expect(result.stdout).toContain('0600 → 0644');

    const history = await runCli(['drift', '--history', '-i', inventory()]);
    expect(history.code).toBe(0);
    const rows = history.stdout.trimEnd().split('\n').slice(2);
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.split(/\s+/).slice(1, 7))).toEqual([
      ['1', '0', '0', '0', '1', '0'],
      ['1', '1', '1', '0', '1', '2'],
      ['1', '2', '1', '0', '1', '2'],
    ]);
    const byStateDir = await runCli(['drift', '--history', '--state-dir', join(ops, '.drover')]);
    expect(byStateDir.stdout).toBe(history.stdout);
  });

  it('runs --on-drift with the report path as argument and in DROVER_DRIFT_REPORT; its failure keeps exit 2', async () => {
    const seen = join(ops, 'hook.txt');
    // A function, so that the appended report path arrives as its $1.
    const hook = `record() { printf '%s|%s|%s\\n' "$DROVER_DRIFT_REPORT" "$DROVER_DRIFT_EXIT" "$1" >> ${seen}; }; record`;
    const result = await drift('--on-drift', hook);
    expect(result.code).toBe(2);
    const [fromEnv, exit, fromArg] = readFileSync(seen, 'utf8').trim().split('|');
    expect(exit).toBe('2');
    expect(fromArg).toBe(fromEnv);
    expect(fromEnv.startsWith(join(ops, '.drover/drift/runs/'))).toBe(true);
    expect(readReport(fromEnv).drift.resources[0].task).toBe('write the app config');

    const failing = await drift('--on-drift', 'exit 3 #');
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain('ERROR: --on-drift command failed (exit 3)');
  });

  it('lists an unreachable host as unverified and exits 1, still reporting the drift it found', async () => {
    const report = join(ops, 'unreachable.json');
    const result = await runCli([
      'drift',
      site,
      '-i',
      join(ops, 'inventory-unreachable.yml'),
      '-e',
      `root=${root}`,
      '--report',
      report,
      '-T',
      '5',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/dead1: UNVERIFIED \(unreachable: .+\)/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      'drift: 2 resources on 1 host (1 host unverified, 1 unknown)',
    );
    const json = readReport(report);
    expect(json.drift.unverified.map((u) => u.host)).toEqual(['dead1']);
    expect(json.drift.resources.map((r) => r.host)).toEqual(['local1', 'local1']);
    expect(json.drift.exitCode).toBe(1);
  });

  it('rejects an invalid playbook with exit 4 before anything runs', async () => {
    const bad = join(ops, 'bad.yml');
    writeFileSync(bad, '- hosts: all\n  tasks:\n    - copy: { dest: /tmp/x, nonsense: 1 }\n');
    const result = await runCli(['drift', bad, '-i', inventory()]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
  });
});
