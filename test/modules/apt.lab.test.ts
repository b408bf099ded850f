import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/index.js';
import { runModule } from '../helpers/run-module-task.js';
import { labDown, type LabStatus } from '../../src/lab/index.js';
import { module as apt } from '../../src/modules/apt.js';
import { ensureTestLab, runOnLabHost, runOnLabHostOk } from '../helpers/lab.js';
import { runCli } from '../helpers/run-cli.js';
import { connectToLabHost } from './lab-module-runner.js';
import { recordFixture } from './record-fixture.js';

const HOST = 'mod-apt';
let lab: LabStatus;
let conn: Connection;

async function run(args: Record<string, unknown>, check = false) {
  const result = await runModule(conn, apt, args, { check });
  if (result.failedChange) throw new Error(`${result.failedChange.summary}: ${result.failedChange.result.stderr}`);
  if (result.plan.failed) throw new Error(result.plan.failed);
  return result;
}

async function dpkgStatus(name: string): Promise<string> {
  const result = await runOnLabHost(lab, HOST, `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${name}`);
  return result.code === 0 ? result.stdout.trim() : 'unknown';
}

beforeAll(async () => {
  lab = await ensureTestLab([HOST]);
  conn = await connectToLabHost(lab, HOST);
  await recordFixture(conn, apt, { name: 'hello', update_cache: true }, 'fresh-host', {
    description:
      'a freshly booted host: hello not installed, the lists as the base image left them: an install after a refresh',
  });
  await runOnLabHostOk(
    lab,
    HOST,
    "apt-get update -q >/dev/null && apt-get remove -y -q hello jq libjq1 libonig5 >/dev/null 2>&1; mkdir -p /var/lib/apt/periodic && touch -d '2 days ago' /var/lib/apt/periodic/update-success-stamp",
    { timeoutMs: 120_000 },
  );
});

afterAll(async () => {
  await conn?.close();
  await labDown([HOST]);
});

describe('apt on a lab host', () => {
  it('installs in one call, converges, reports a manual removal in check mode without touching the host, and repairs it', async () => {
    const args = { name: ['hello', 'jq'], update_cache: true, cache_valid_time: 3600 };
    await recordFixture(conn, apt, args, 'not-installed-stale-lists', {
      description: 'hello and jq not installed, package lists two days old: one install after a refresh',
    });
    const first = await run(args);
    expect(first.plan.changes).toHaveLength(1);
    expect(first.plan.changes[0].summary).toMatch(
      /^install hello \(\d[^)]*\), jq \(\d[^)]*\) after refreshing the package lists \(2 days old\)$/,
    );
    expect(
      Number(
        await runOnLabHostOk(
          lab,
          HOST,
          'echo $(( $(date +%s) - $(stat -c %Y /var/lib/apt/periodic/update-success-stamp) ))',
        ),
      ),
    ).toBeLessThan(300);
    expect(await runOnLabHostOk(lab, HOST, 'hello && echo "{\\"a\\":1}" | jq .a')).toBe('Hello, world!\n1\n');

    const again = await run(args);
    expect(again.plan.changes).toEqual([]);
    await recordFixture(conn, apt, args, 'converged', {
      description: 'hello and jq installed, lists just refreshed: nothing to do',
    });
    await recordFixture(conn, apt, { name: 'drover-no-such-package' }, 'unknown-package', {
      description: 'a package apt does not know (dpkg-query and apt-cache print nothing for it): the task fails',
    });

    await runOnLabHostOk(lab, HOST, 'apt-get remove -y -q hello >/dev/null 2>&1');
    const version = (await runOnLabHostOk(lab, HOST, "apt-cache policy hello | sed -n 's/  Candidate: //p'")).trim();
    await recordFixture(conn, apt, args, 'one-removed', {
      description: 'hello removed by hand (dpkg status rc), jq still installed: hello alone is installed',
    });
    const checked = await run(args, true);
    expect(checked.executed).toEqual([]);
    expect(checked.plan.changes.map((c) => ({ summary: c.summary, from: c.from, to: c.to }))).toEqual([
      { summary: `install hello (${version})`, from: 'hello absent', to: `hello ${version}` },
    ]);
    expect(await dpkgStatus('hello')).toMatch(/^rc|^un|unknown/);

    await run(args);
    expect(await dpkgStatus('hello')).toBe(`ii ${version}`);
  });

  it('removes with autoremove in one call, then reports 0 changes', async () => {
    expect(await dpkgStatus('libjq1')).toMatch(/^ii/);
    await recordFixture(conn, apt, { name: 'jq', state: 'absent', autoremove: true }, 'remove-with-autoremove', {
      description: 'jq installed with its libraries: removed in one call that autoremoves them',
    });
    const removed = await run({ name: 'jq', state: 'absent', autoremove: true });
    expect(removed.plan.changes[0].summary).toMatch(/^remove jq \(/);
    expect(await dpkgStatus('jq')).not.toMatch(/^ii/);
    expect(await dpkgStatus('libjq1')).not.toMatch(/^ii/);
    expect((await run({ name: 'jq', state: 'absent', autoremove: true })).plan.changes).toEqual([]);
    await recordFixture(conn, apt, { name: 'jq', state: 'absent', autoremove: true }, 'removed-converged', {
      description: 'jq and its libraries removed (dpkg status rc, nothing to autoremove): nothing to do',
    });
  });

  it('waits for another dpkg holding the lock instead of failing', async () => {
    await runOnLabHostOk(lab, HOST, 'apt-get remove -y -q hello >/dev/null 2>&1');
    // apt's lock is an fcntl lock: hold it from python for 6 s in the background.
    await runOnLabHostOk(
      lab,
      HOST,
      `nohup python3 -c "import fcntl,time; f=open('/var/lib/dpkg/lock-frontend','w'); fcntl.lockf(f, fcntl.LOCK_EX); open('/tmp/locked','w'); time.sleep(6)" >/dev/null 2>&1 & while [ ! -e /tmp/locked ]; do sleep 0.1; done; rm -f /tmp/locked`,
    );
    const started = Date.now();
    await run({ name: 'hello', lock_timeout: 60 });
    expect(Date.now() - started).toBeGreaterThan(3000);
    expect(await dpkgStatus('hello')).toMatch(/^ii/);
  });

  it('refreshes the package lists in a playbook run without counting a change, and check mode leaves them alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-apt-refresh-'));
    writeFileSync(join(dir, 'hosts.ini'), `${HOST}\n`);
    writeFileSync(
      join(dir, 'refresh.yml'),
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - apt: { update_cache: true, cache_valid_time: 3600 }\n',
    );
    const stampAge = async () =>
      Number(
        await runOnLabHostOk(
          lab,
          HOST,
          'echo $(( $(date +%s) - $(stat -c %Y /var/lib/apt/periodic/update-success-stamp) ))',
        ),
      );
    const cli = (command: string, report: string) =>
      runCli([command, join(dir, 'refresh.yml'), '-i', join(dir, 'hosts.ini'), '--lab', '--report', join(dir, report)]);
    const changedIn = (report: string) => JSON.parse(readFileSync(join(dir, report), 'utf8')).hosts[HOST].changed;

    await runOnLabHostOk(lab, HOST, "touch -d '2 days ago' /var/lib/apt/periodic/update-success-stamp");
    await recordFixture(conn, apt, { update_cache: true, cache_valid_time: 3600 }, 'refresh-only', {
      description: 'a task that only refreshes lists two days old: no change, the refresh as upkeep',
    });
    const checked = await cli('check', 'check.json');
    expect(checked.code).toBe(0);
    expect(changedIn('check.json')).toBe(0);
    expect(await stampAge()).toBeGreaterThan(86_400);

    const refreshed = await cli('run', 'run.json');
    expect(refreshed.code).toBe(0);
    expect(changedIn('run.json')).toBe(0);
    expect(refreshed.stdout).toMatch(new RegExp(`${HOST}\\s*: ok=1 +changed=0`));
    expect(await stampAge()).toBeLessThan(300);
  });

  it('rejects a name with shell text before anything reaches the host', async () => {
    await expect(runModule(conn, apt, { name: "hello'; touch /tmp/pwned; '" }, { check: false })).rejects.toThrow(
      /Debian package name/,
    );
    expect((await runOnLabHost(lab, HOST, 'test -e /tmp/pwned')).code).toBe(1);
  });
});
