import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSlice, sliceOfHost } from '../../src/cli/slice.js';
import type { RunReport } from '../../src/report/run-report.js';
import { runCli } from '../helpers/run-cli.js';

const NAMES = [
  'web-a',
  'web-b',
  'db1',
  'db2',
  'cache.eu',
  'cache.us',
  'lb',
  'worker07',
  'worker13',
  'ops',
  'mail',
  'dns2',
];
const EXTRA = ['new1', 'new2', 'new3', 'new4', 'new5'];

let dir: string;
const playbook = () => join(dir, 'play.yml');

/** An INI inventory of local hosts in this order, the first half in group `front`. */
function inventory(name: string, hosts: string[]): string {
  const path = join(dir, name);
  const half = Math.ceil(hosts.length / 2);
  const line = (host: string) => `${host} ansible_connection=local`;
  writeFileSync(
    path,
    `[front]\n${hosts.slice(0, half).map(line).join('\n')}\n[back]\n${hosts.slice(half).map(line).join('\n')}\n`,
  );
  return path;
}

/** The hosts `--list-hosts` prints for each slice K/count. */
async function listSlices(inventoryPath: string, count: number, extra: string[] = []): Promise<string[][]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const result = await runCli([
        'run',
        playbook(),
        '-i',
        inventoryPath,
        '--slice',
        `${i + 1}/${count}`,
        '--list-hosts',
        ...extra,
      ]);
      expect(result.code).toBe(0);
      return result.stdout.includes('has no hosts')
        ? []
        : [...result.stdout.matchAll(/^ {4}(\S+)$/gm)].map((m) => m[1]).sort();
    }),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-slice-'));
  writeFileSync(
    playbook(),
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: say who\n      debug: msg="{{ inventory_hostname }}"\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('which slice a host falls to', () => {
  it('is the first 4 bytes of the SHA-256 of its name, mod N, plus 1', () => {
    for (const name of [...NAMES, ...EXTRA, 'ünïcode-host', '10.0.0.7'])
      for (const count of [1, 2, 3, 4, 7, 100]) {
        const expected = (createHash('sha256').update(name).digest().readUInt32BE(0) % count) + 1;
        expect(sliceOfHost(name, count)).toBe(expected);
      }
    // Pinned: changing the rule would move hosts between the controllers of running setups.
    expect(['host01', 'host02', 'host03', 'host04'].map((h) => sliceOfHost(h, 4))).toEqual([2, 4, 2, 3]);
  });

  it('spreads many hosts over the slices', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sliceOfHost(`node-${i}.example.com`, 4) - 1]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('parses K/N with 1 ≤ K ≤ N', () => {
    expect(parseSlice('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseSlice('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '0/0', '-1/4', '1.5/4', '2', 'x/4', '1/4/2', ''])
      expect(() => parseSlice(bad), bad).toThrow(/expected K\/N/);
  });
});

describe('--slice K/N', () => {
  it('puts every host in exactly one slice', async () => {
    const slices = await listSlices(inventory('all.ini', NAMES), 4);
    expect(slices.flat().sort()).toEqual([...NAMES].sort());
    expect(new Set(slices.flat()).size).toBe(NAMES.length);
    expect(slices.filter((hosts) => hosts.length > 0).length).toBeGreaterThan(1);
    slices.forEach((hosts, i) => {
      for (const host of hosts) expect(sliceOfHost(host, 4)).toBe(i + 1);
    });
  });

  it('keeps a host in the same slice when the inventory is reordered or grows', async () => {
    const before = await listSlices(inventory('before.ini', NAMES), 4);
    const after = await listSlices(
      inventory('after.ini', [...EXTRA.slice(0, 2), ...NAMES].reverse().concat(EXTRA.slice(2))),
      4,
    );
    after.forEach((hosts, i) => expect(hosts.filter((host) => NAMES.includes(host))).toEqual(before[i]));
    expect(after.flat().sort()).toEqual([...NAMES, ...EXTRA].sort());
  });

  it('applies after --limit', async () => {
    const path = inventory('limited.ini', NAMES);
    const front = NAMES.slice(0, Math.ceil(NAMES.length / 2));
    const slices = await listSlices(path, 3, ['--limit', 'front']);
    expect(slices.flat().sort()).toEqual([...front].sort());
    slices.forEach((hosts, i) => {
      for (const host of hosts) expect(sliceOfHost(host, 3)).toBe(i + 1);
    });
    // A --limit that matches nothing is still the error it is without --slice.
    const none = await runCli(['run', playbook(), '-i', path, '--limit', 'nosuch', '--slice', '1/3']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('leaves us with no hosts to target');
  });

  it('runs only the hosts of the slice, and writes the slice into the report', async () => {
    const path = inventory('run.ini', NAMES);
    const report = join(dir, 'slice-2.json');
    const result = await runCli(['run', playbook(), '-i', path, '--slice', '2/4', '--report', report, '-t', 'x,y']);
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8')) as RunReport & { slice: unknown };
    const expected = NAMES.filter((host) => sliceOfHost(host, 4) === 2);
    expect(Object.keys(json.hosts).sort()).toEqual([...expected].sort());
    expect(json.slice).toEqual({ index: 2, count: 4, inventory: [path], tags: ['x', 'y'], skipTags: [] });
  });

  it('with no host in the slice, says so and exits 0, writing an empty report', async () => {
    const path = inventory('two.ini', ['web-a', 'web-b']);
    const count = 20;
    const index = Array.from({ length: count }, (_, i) => i + 1).find(
      (k) => sliceOfHost('web-a', count) !== k && sliceOfHost('web-b', count) !== k,
    )!;
    for (const mode of ['run', 'check', 'drift']) {
      const report = join(dir, `empty-${mode}.json`);
      const extra = mode === 'drift' ? ['--state-dir', join(dir, 'empty-state')] : [];
      const result = await runCli([
        mode,
        playbook(),
        '-i',
        path,
        '--slice',
        `${index}/${count}`,
        '--report',
        report,
        ...extra,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`slice ${index}/${count} has no hosts: nothing to run\n`);
      const json = JSON.parse(readFileSync(report, 'utf8')) as RunReport & { slice: { index: number } };
      expect(json).toMatchObject({ mode, hosts: {}, interrupted: false, slice: { index, count } });
    }
  });

  it('rejects a bad K/N with exit 5, on run, check and drift', async () => {
    const path = inventory('bad.ini', NAMES);
    for (const [mode, value] of [
      ['run', '0/4'],
      ['run', '5/4'],
      ['check', '1/0'],
      ['check', 'two/4'],
      ['drift', '3'],
      ['drift', '-1/4'],
    ]) {
      const result = await runCli([mode, playbook(), '-i', path, '--slice', value]);
      expect(result.code, `${mode} --slice ${value}`).toBe(5);
      expect(result.stderr).toContain(`option '--slice <K/N>' argument '${value}' is invalid`);
      expect(result.stdout).not.toContain('PLAY');
    }
  });

  it('drift --slice leaves --on-drift to the merge (exit 5)', async () => {
    const result = await runCli([
      'drift',
      playbook(),
      '-i',
      inventory('hook.ini', NAMES),
      '--slice',
      '1/2',
      '--on-drift',
      'true',
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('--on-drift runs once for the whole run');
  });
});
