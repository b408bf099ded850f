import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAptMirrors } from '../../src/lab/apt-mirror.js';
import { baseImagePath } from '../../src/lab/base-image.js';
import { resolveLabPaths, type LabStatus } from '../../src/lab/index.js';
import { netnsName, vethName } from '../../src/lab/network.js';
import { parseSubnet } from '../../src/lab/subnet.js';
import { whileSampling } from '../helpers/command-lines.js';
import { findLabInstanceLeftovers, runOnLabHostOk, type LabInstance } from '../helpers/lab.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * A second lab beside the shared one (its own state dir, bridge and subnet), so a whole-lab
 * `lab down` can be checked for leftovers while other test files use the shared lab.
 */
const SUBNET = '10.79.231.0/28';
const BRIDGE = 'drover-labt0';
const [GOOD, BROKEN] = ['lab-e', 'lab-f'];
/** A host of yet another lab, on a bridge of its own: this lab's down must leave it alone. */
const NEIGHBOUR = { host: 'lab-g', bridge: 'drover-labt1' };

let instance: LabInstance;
let env: Record<string, string>;

function cli(args: string[]) {
  return runCli(['lab', ...args], { env });
}

function imageMarker(): { ino: number; mtimeMs: number } {
  const { ino, mtimeMs } = statSync(join(baseImagePath(join(instance.stateDir, 'images')), 'etc', 'drover-lab-image'));
  return { ino, mtimeMs };
}

function recordedPid(host: string): number | undefined {
  return JSON.parse(readFileSync(join(instance.stateDir, 'state.json'), 'utf8')).hosts[host]?.pid;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

function createNeighbour(): void {
  ip(['link', 'add', NEIGHBOUR.bridge, 'type', 'bridge']);
  ip(['netns', 'add', netnsName(NEIGHBOUR.host)]);
  ip([
    'link',
    'add',
    vethName(NEIGHBOUR.host),
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    netnsName(NEIGHBOUR.host),
  ]);
  ip(['link', 'set', vethName(NEIGHBOUR.host), 'master', NEIGHBOUR.bridge]);
}

function removeNeighbour(): void {
  for (const args of [
    ['netns', 'del', netnsName(NEIGHBOUR.host)],
    ['link', 'del', vethName(NEIGHBOUR.host)],
    ['link', 'del', NEIGHBOUR.bridge],
  ]) {
    try {
      execFileSync('ip', args, { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function nspawnRunning(host: string): boolean {
  return execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    .split('\n')
    .some((line) => line.split(' ')[0]?.endsWith('systemd-nspawn') && line.includes(`--machine=${host} `));
}

beforeAll(async () => {
  const shared = resolveLabPaths();
  // Next to the shared state dir (same filesystem), so its base image can be linked in rather than rebuilt.
  const stateDir = await mkdtemp(join(dirname(shared.stateDir), 'drover-lab-instance-'));
  instance = { stateDir, bridge: BRIDGE, hosts: [GOOD, BROKEN] };
  env = { DROVER_LAB_DIR: stateDir, DROVER_LAB_SUBNET: SUBNET, DROVER_LAB_BRIDGE: BRIDGE };
  const sharedImage = baseImagePath(shared.imagesDir);
  if (existsSync(join(sharedImage, 'etc', 'drover-lab-image'))) {
    await mkdir(join(stateDir, 'images'), { recursive: true });
    execFileSync('cp', ['-al', sharedImage, baseImagePath(join(stateDir, 'images'))]);
  }
});

afterAll(async () => {
  removeNeighbour();
  if (!instance) return;
  await cli(['down']);
  await rm(instance.stateDir, { recursive: true, force: true });
});

describe('a second lab with its own state dir, bridge and subnet', () => {
  let status: LabStatus;

  it('first up starts the host on the configured subnet and bridge, from the cached image, and says so', async () => {
    const before = imageMarker();
    const { result: up, seen } = await whileSampling(() => cli(['up', '-i', `${GOOD},`]));
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^started ${GOOD}$`, 'm'));
    expect(up.stdout).not.toMatch(/already running|nothing to start|building the base image/);
    // The cached image was used as it is: not rebuilt, no debootstrap run for this lab.
    expect(imageMarker()).toEqual(before);
    expect(seen.filter((line) => line.includes('debootstrap') && line.includes(instance.stateDir))).toEqual([]);

    const address = parseSubnet(SUBNET).hostAddresses[0];
    expect(ip(['-o', '-4', 'addr', 'show', 'dev', BRIDGE])).toContain(' 10.79.231.1/28 ');
    expect(ip(['-o', 'link', 'show', 'dev', vethName(GOOD)])).toContain(` master ${BRIDGE} `);

    const json = await cli(['status', '-i', `${GOOD},`, '--json']);
    expect(json.code, json.stderr).toBe(0);
    status = JSON.parse(json.stdout) as LabStatus;
    expect(Object.keys(status).sort()).toEqual(['hosts', 'key', 'knownHosts']);
    expect(status.hosts.map((h) => Object.keys(h).sort())).toEqual([['address', 'name', 'state']]);
    expect(status.hosts).toEqual([{ name: GOOD, address, state: 'running' }]);
    expect(status.key).toBe(join(instance.stateDir, 'ssh', 'id_ed25519'));
    expect(status.knownHosts).toBe(join(instance.stateDir, 'ssh', 'known_hosts'));

    const table = await cli(['status', '-i', `${GOOD},`]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^HOST\s+ADDRESS\s+STATE$/m);
    expect(table.stdout).toMatch(new RegExp(`^${GOOD}\\s+${address.replaceAll('.', '\\.')}\\s+running$`, 'm'));

    // Reached with this lab's key and known_hosts, at its address, with apt pointed at the machine's mirror.
    const mirrors = await readAptMirrors();
    const inside = await runOnLabHostOk(
      status,
      GOOD,
      'hostname; ip -o -4 addr show dev eth0; grep ^URIs: /etc/apt/sources.list.d/debian.sources',
    );
    expect(inside).toContain(`${GOOD}\n`);
    expect(inside).toContain(` ${address}/28 `);
    expect(inside).toContain(`URIs: ${mirrors.debian}\n`);
    expect(readFileSync(join(instance.stateDir, 'apt-cacher-ng', 'conf', 'backends_debian'), 'utf8')).toBe(
      `${mirrors.debian}/\n`,
    );
  });

  it('second up keeps the running host and says there is nothing to start', async () => {
    const pid = recordedPid(GOOD);
    const before = imageMarker();
    const up = await cli(['up', '-i', `${GOOD},`]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^already running: ${GOOD}$`, 'm'));
    expect(up.stdout).toMatch(/^nothing to start$/m);
    expect(up.stdout).not.toMatch(/^started /m);
    expect(recordedPid(GOOD)).toBe(pid);
    expect(imageMarker()).toEqual(before);
  });

  it('takes the whole lab down after an up that failed partway, leaving nothing of it behind', async () => {
    // A host kept from an earlier run whose sshd is masked: it boots, but sshd never answers.
    const dir = join(instance.stateDir, 'hosts', BROKEN);
    await mkdir(join(dir, 'upper', 'etc', 'systemd', 'system'), { recursive: true });
    await symlink('/dev/null', join(dir, 'upper', 'etc', 'systemd', 'system', 'ssh.service'));
    await writeFile(join(dir, 'prepared'), 'kept\n');

    const failed = await cli(['up', '-i', `${GOOD},${BROKEN},`]);
    expect(failed.code).toBe(1);
    // Found out as soon as the host has booted, not after the boot timeout.
    expect(failed.stderr).toMatch(
      new RegExp(
        `lab host ${BROKEN} did not come up: systemd finished booting \\(\\w+\\), but sshd is not running \\(ssh\\.service is inactive\\)`,
      ),
    );
    expect(failed.stderr).toContain('Run `drover lab down` to clean up.');
    // What the failed up left: the broken host's container still runs, next to the good host.
    expect(nspawnRunning(BROKEN)).toBe(true);
    expect(nspawnRunning(GOOD)).toBe(true);

    // Created just before the down: other labs' whole-lab checks would count it as their leftover.
    createNeighbour();
    const down = await cli(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/^lab bridge and apt-cacher-ng stopped$/m);
    expect(findLabInstanceLeftovers(instance)).toEqual([]);
    const state = JSON.parse(readFileSync(join(instance.stateDir, 'state.json'), 'utf8'));
    expect(state).toEqual({ version: 1, hosts: {} });
    expect(existsSync(join(instance.stateDir, 'hosts', BROKEN))).toBe(false);

    // Another lab's host, on its own bridge, is left alone.
    expect(ip(['netns', 'list'])).toContain(netnsName(NEIGHBOUR.host));
    expect(ip(['-o', 'link', 'show', 'dev', vethName(NEIGHBOUR.host)])).toContain(` master ${NEIGHBOUR.bridge} `);
    removeNeighbour();
  }, 400_000);
});
