import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAptMirrors } from '../../src/lab/apt-mirror.js';
import { assertLabHostNames } from '../../src/lab/host-names.js';
import { labConnectionVars, LabError } from '../../src/lab/index.js';
import { assertHostTools } from '../../src/lab/preflight.js';
import { DEFAULT_BRIDGE, macForAddress, resolveBridgeName } from '../../src/lab/network.js';
import { parseSubnet } from '../../src/lab/subnet.js';

async function aptDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drover-apt-'));
  await mkdir(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('lab mirrors come from the machine apt sources', () => {
  it('reads main and security URIs from a deb822 .sources file', async () => {
    const dir = await aptDir({
      'sources.list.d/debian.sources': [
        'Types: deb',
        'URIs: http://mirror.example.test/debian/',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        '',
        'Types: deb',
        'URIs: http://mirror.example.test/debian-security',
        'Suites: bookworm-security',
        'Components: main',
      ].join('\n'),
    });
    expect(await readAptMirrors(dir)).toEqual({
      debian: 'http://mirror.example.test/debian',
      security: 'http://mirror.example.test/debian-security',
    });
  });

  it('falls back to one-line entries in sources.list, skipping deb-src and comments', async () => {
    const dir = await aptDir({
      'sources.list':
        '# deb http://old.example.test/debian bookworm main\ndeb-src http://src.example.test/debian bookworm main\ndeb [arch=amd64] http://other.example.test/debian bookworm main\n',
    });
    expect(await readAptMirrors(dir)).toEqual({ debian: 'http://other.example.test/debian', security: undefined });
  });

  it('says where it looked when no mirror is configured', async () => {
    const dir = await aptDir({});
    await expect(readAptMirrors(dir)).rejects.toThrow(/no http\(s\) Debian mirror found in .*sources\.list/);
  });
});

describe('lab subnet', () => {
  it('gives the bridge .1 and hosts .2 upward', () => {
    const subnet = parseSubnet('10.88.5.0/24');
    expect(subnet.bridgeAddress).toBe('10.88.5.1');
    expect(subnet.hostAddresses.slice(0, 3)).toEqual(['10.88.5.2', '10.88.5.3', '10.88.5.4']);
    expect(subnet.hostAddresses.at(-1)).toBe('10.88.5.254');
  });

  it('normalises a host address to its network', () => {
    expect(parseSubnet('10.88.5.77/28').cidr).toBe('10.88.5.64/28');
  });

  it('rejects what is not a subnet, naming the option', () => {
    expect(() => parseSubnet('10.88.5.0')).toThrow(/--subnet or env DROVER_LAB_SUBNET/);
    expect(() => parseSubnet('300.1.1.0/24')).toThrow(LabError);
  });
});

describe('lab bridge name', () => {
  const saved = process.env.DROVER_LAB_BRIDGE;
  afterEach(() => {
    if (saved === undefined) delete process.env.DROVER_LAB_BRIDGE;
    else process.env.DROVER_LAB_BRIDGE = saved;
  });

  it('is drover-lab0 unless DROVER_LAB_BRIDGE names another', () => {
    delete process.env.DROVER_LAB_BRIDGE;
    expect(resolveBridgeName()).toBe(DEFAULT_BRIDGE);
    expect(DEFAULT_BRIDGE).toBe('drover-lab0');
    process.env.DROVER_LAB_BRIDGE = 'lab-br1';
    expect(resolveBridgeName()).toBe('lab-br1');
  });

  it('rejects what cannot be an interface name, naming the variable', () => {
    process.env.DROVER_LAB_BRIDGE = 'a-bridge-name-too-long';
    expect(() => resolveBridgeName()).toThrow(/fix env DROVER_LAB_BRIDGE/);
    process.env.DROVER_LAB_BRIDGE = 'bad name';
    expect(() => resolveBridgeName()).toThrow(LabError);
  });
});

describe('lab host names', () => {
  it('accepts inventory names that are hostnames', () => {
    expect(() => assertLabHostNames(['backend1', 'db-1', 'web.example.test'])).not.toThrow();
  });

  it('rejects names a container cannot carry, naming the host', () => {
    expect(() => assertLabHostNames(['good', 'bad_name'])).toThrow(/inventory host "bad_name" cannot be a lab host/);
    expect(() => assertLabHostNames([])).toThrow(/names none/);
  });
});

describe('lab preflight', () => {
  it('names every missing tool and the apt-get command that installs them', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'drover-nopath-'));
    await expect(assertHostTools([empty])).rejects.toThrow(
      'Install them with: apt-get install -y debootstrap systemd-container apt-cacher-ng iproute2 openssh-client util-linux',
    );
  });
});

describe('labConnectionVars', () => {
  const status = {
    hosts: [{ name: 'lab-a', address: '10.77.0.2', state: 'running' as const }],
    key: '/var/lib/drover-lab/ssh/id_ed25519',
    knownHosts: '/var/lib/drover-lab/ssh/known_hosts',
  };

  it('points the host at its container as root with the lab key and known_hosts', () => {
    expect(labConnectionVars(status, 'lab-a')).toEqual({
      ansible_host: '10.77.0.2',
      ansible_port: 22,
      ansible_user: 'root',
      ansible_ssh_private_key_file: status.key,
      drover_known_hosts_file: status.knownHosts,
      ansible_connection: 'ssh',
    });
  });

  it('tells how to start a host that is not in the lab', () => {
    expect(() => labConnectionVars(status, 'db1')).toThrow(/drover lab up -i INVENTORY --limit db1/);
  });
});

describe('macForAddress', () => {
  it('gives each address its own locally administered unicast MAC, the same every time', () => {
    expect(macForAddress('10.77.0.8')).toBe('02:64:0a:4d:00:08');
    expect(macForAddress('192.168.255.254')).toBe('02:64:c0:a8:ff:fe');
    expect(macForAddress('10.77.0.9')).not.toBe(macForAddress('10.77.0.8'));
    expect(() => macForAddress('10.77.0')).toThrow('not an IPv4 address: 10.77.0');
  });
});
