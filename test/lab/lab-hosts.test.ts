import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus, labUp, resolveLabPaths, type LabStatus } from '../../src/lab/index.js';
import { macForAddress, vethName } from '../../src/lab/network.js';
import { parseSubnet } from '../../src/lab/subnet.js';
import {
  ensureTestLab,
  findLabLeftovers,
  LAB_TEST_HOSTS,
  labAddress,
  providedLabStatus,
  runOnLabHost,
  runOnLabHostOk,
} from '../helpers/lab.js';

const [A, B] = LAB_TEST_HOSTS;
const EXTRA = 'lab-c';

function netnsList(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

function linkNames(): string[] {
  return execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0])
    .filter((name): name is string => !!name);
}

/** Command lines of running processes whose first word ends with name. */
function processesNamed(name: string): string[] {
  const out = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.split(' ')[0]?.endsWith(name));
}

function nspawnPid(host: string): number | undefined {
  const state = JSON.parse(readFileSync(resolveLabPaths().stateFile, 'utf8'));
  return state.hosts[host]?.pid;
}

let status: LabStatus;

beforeAll(async () => {
  status = await ensureTestLab();
});

describe('drover lab on real Debian containers', () => {
  it('boots every host with systemd and sshd, at distinct addresses on the lab subnet', async () => {
    const now = await labStatus(LAB_TEST_HOSTS);
    expect(now.hosts.map((h) => h.state)).toEqual(['running', 'running']);
    const addresses = now.hosts.map((h) => h.address);
    expect(new Set(addresses).size).toBe(2);
    for (const address of addresses) expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // is-system-running exits 1 when degraded; the failed units then say why.
    const boot = await runOnLabHost(
      status,
      A,
      'cat /proc/1/comm; systemctl is-system-running --wait; systemctl --failed --no-legend --plain',
    );
    const [pid1, state, ...failed] = boot.stdout.trim().split('\n');
    expect([pid1, state], `failed units on ${A}: ${failed.join('; ')}`).toEqual(['systemd', 'running']);
  });

  it('reaches each host over ssh as root with the lab key, checking host keys against the lab known_hosts', async () => {
    for (const host of LAB_TEST_HOSTS) {
      expect((await runOnLabHostOk(status, host, 'id -un; hostname')).trim()).toBe(`root\n${host}`);
    }
    // Checking is really on: the same login with a known_hosts that lacks the host is refused.
    const empty = join(await mkdtemp(join(tmpdir(), 'drover-kh-')), 'known_hosts');
    await writeFile(empty, '');
    const refused = await runOnLabHost(status, A, 'true', { knownHosts: empty });
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/Host key verification failed/);
  });

  it('lets hosts find each other by inventory name', async () => {
    const resolved = await runOnLabHostOk(status, A, `getent hosts ${B}`);
    expect(resolved.split(/\s+/)[0]).toBe(labAddress(status, B));
    // And reach the other host's sshd through that name.
    const banner = await runOnLabHostOk(status, A, `exec 3<>/dev/tcp/${B}/22; head -c 4 <&3`);
    expect(banner).toBe('SSH-');
  });

  it('installs Debian packages with apt-get through the lab apt proxy', async () => {
    const out = await runOnLabHostOk(
      status,
      B,
      'command -v apt-get && apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello >/dev/null && hello && apt-config dump Acquire::http::Proxy',
      { timeoutMs: 300_000 },
    );
    expect(out).toContain('Hello, world!');
    // The lab's apt-get, which retries an update that stalls on the proxy, comes first in root's PATH.
    expect(out.split('\n')[0]).toBe('/usr/local/sbin/apt-get');
    expect(out).toMatch(/Acquire::http::Proxy "http:\/\/[\d.]+:3142"/);
  }, 300_000);

  it('keeps running hosts on a second up, quickly', async () => {
    await runOnLabHostOk(status, A, 'echo kept > /run/drover-lab-marker');
    const pids = LAB_TEST_HOSTS.map(nspawnPid);
    const started = Date.now();
    const again = await labUp(LAB_TEST_HOSTS);
    // A no-op: far from a boot (the same nspawn processes are checked below).
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(again.hosts).toEqual(status.hosts);
    expect(LAB_TEST_HOSTS.map(nspawnPid)).toEqual(pids);
    expect((await runOnLabHostOk(status, A, 'cat /run/drover-lab-marker')).trim()).toBe('kept');
  });

  it('adds a host that the running hosts can name, and removes it without a trace', async () => {
    const withExtra = await labUp([...LAB_TEST_HOSTS, EXTRA]);
    const extraAddress = labAddress(withExtra, EXTRA);
    expect((await runOnLabHostOk(withExtra, A, `getent hosts ${EXTRA}`)).split(/\s+/)[0]).toBe(extraAddress);
    expect((await runOnLabHostOk(withExtra, EXTRA, `getent hosts ${A}`)).split(/\s+/)[0]).toBe(
      labAddress(withExtra, A),
    );
    // Its MAC follows from its address, so neighbour entries cached for that address stay right when it comes back.
    const mac = macForAddress(extraAddress);
    expect((await runOnLabHostOk(withExtra, EXTRA, 'ip -br link show dev eth0')).split(/\s+/)[2]).toBe(mac);

    // A host that powers off boots again on the next up, on its kept overlay.
    await runOnLabHostOk(withExtra, EXTRA, 'echo kept > /root/keep-me');
    // A unit that fails its first start of each boot with status 219, as a unit that loses the race
    // with its cgroup does: the next up starts it again, so the host is running, not degraded.
    await runOnLabHostOk(
      withExtra,
      EXTRA,
      [
        "cat > /etc/systemd/system/drover-race.service <<'UNIT'",
        '[Service]',
        'Type=oneshot',
        'RemainAfterExit=yes',
        "ExecStart=/bin/sh -c 'if [ -e /run/drover-race-seen ]; then exit 0; fi; touch /run/drover-race-seen; exit 219'",
        '[Install]',
        'WantedBy=multi-user.target',
        'UNIT',
        'systemctl enable drover-race.service 2>/dev/null',
      ].join('\n'),
    );
    // --no-block: the session ends before sshd does; a session cut by the shutdown would leave ssh waiting.
    await runOnLabHost(withExtra, EXTRA, 'systemctl poweroff --no-block', { timeoutMs: 15_000 });
    await expect
      .poll(async () => (await labStatus([EXTRA])).hosts[0].state, { timeout: 20_000, interval: 200 })
      .toBe('stopped');
    const upLog: string[] = [];
    const again = await labUp([...LAB_TEST_HOSTS, EXTRA], { log: (line) => upLog.push(line) });
    expect(labAddress(again, EXTRA)).toBe(extraAddress);
    expect((await runOnLabHostOk(again, EXTRA, 'cat /root/keep-me')).trim()).toBe('kept');
    expect(upLog).toContain(
      `${EXTRA}: drover-race.service failed at boot on a cgroup race (status 219); started it again: active`,
    );
    expect((await runOnLabHost(again, EXTRA, 'systemctl is-system-running')).stdout.trim()).toBe('running');
    expect((await runOnLabHostOk(again, EXTRA, 'ip -br link show dev eth0')).split(/\s+/)[2]).toBe(mac);
    const pid = nspawnPid(EXTRA);

    await labDown([EXTRA]);
    expect(netnsList()).not.toContain(`drover-lab-${EXTRA}`);
    expect(linkNames()).not.toContain(vethName(EXTRA));
    expect(processesNamed('systemd-nspawn').filter((line) => line.includes(`--machine=${EXTRA}`))).toEqual([]);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(join(resolveLabPaths().hostsDir, EXTRA))).toBe(false);
    expect(readFileSync(status.knownHosts, 'utf8')).not.toContain(EXTRA);
    expect((await runOnLabHost(status, A, `getent hosts ${EXTRA}`)).code).not.toBe(0);
    expect((await labStatus(LAB_TEST_HOSTS)).hosts.map((h) => h.state)).toEqual(['running', 'running']);
  }, 120_000);

  it('cleans up what an interrupted up left behind, from its state file', async () => {
    // What `lab up` has done for a host when it is killed between creating the namespace and booting.
    const paths = resolveLabPaths();
    const state = JSON.parse(readFileSync(paths.stateFile, 'utf8'));
    // An unused address on the lab bridge: probing it never leaves this machine.
    const unused = parseSubnet(state.subnet).hostAddresses.at(-1)!;
    state.hosts['lab-d'] = { name: 'lab-d', address: unused, netns: 'drover-lab-lab-d', veth: 'dl-test-d' };
    await writeFile(paths.stateFile, JSON.stringify(state));
    execFileSync('ip', ['netns', 'add', 'drover-lab-lab-d']);
    execFileSync('ip', [
      'link',
      'add',
      'dl-test-d',
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      'drover-lab-lab-d',
    ]);
    expect((await labStatus(['lab-d'])).hosts[0].state).toBe('stopped');

    await labDown(['lab-d']);
    expect(netnsList()).not.toContain('drover-lab-lab-d');
    expect(linkNames()).not.toContain('dl-test-d');
    expect(JSON.parse(readFileSync(paths.stateFile, 'utf8')).hosts['lab-d']).toBeUndefined();
  });

  // Taking the whole lab down would pull it from under other test files when the global setup provides it.
  // test/lab/lab-instance.test.ts checks a whole-lab down on a second lab in every run.
  it.skipIf(providedLabStatus() !== undefined)(
    'takes the whole lab down, leaving no namespace, link or process behind',
    async () => {
      await labDown();
      expect(findLabLeftovers()).toEqual([]);
      expect((await labStatus(LAB_TEST_HOSTS)).hosts.map((h) => h.state)).toEqual(['stopped', 'stopped']);
    },
    120_000,
  );
});
