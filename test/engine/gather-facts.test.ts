import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { FACTS_SCRIPT, parseFacts } from '../../src/engine/gather-facts.js';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

const FIXTURES = new URL('../fixtures/facts/', import.meta.url).pathname;
const factsOf = (name: string) => parseFacts(readFileSync(join(FIXTURES, name), 'utf8'));

describe("the facts parser, on the facts script's output", () => {
  it('reads a Debian host', () => {
    expect(factsOf('debian-12.txt')).toEqual({
      ansible_hostname: 'web1',
      ansible_nodename: 'web1',
      ansible_fqdn: 'web1.example.com',
      ansible_os_family: 'Debian',
      ansible_distribution: 'Debian',
      ansible_distribution_version: '12',
      ansible_distribution_major_version: '12',
      ansible_distribution_release: 'bookworm',
      ansible_system: 'Linux',
      ansible_kernel: '6.1.0-18-amd64',
      ansible_architecture: 'x86_64',
      ansible_processor_vcpus: 4,
      ansible_memtotal_mb: 7941,
      ansible_default_ipv4: { address: '10.0.3.15', interface: 'eth0', gateway: '10.0.3.1' },
      ansible_user_id: 'deploy',
    });
  });

  it('reads Ubuntu as the Debian family, with a dotted version and a short hostname', () => {
    expect(factsOf('ubuntu-22.04.txt')).toMatchObject({
      ansible_hostname: 'build',
      ansible_nodename: 'build.internal',
      ansible_os_family: 'Debian',
      ansible_distribution: 'Ubuntu',
      ansible_distribution_version: '22.04',
      ansible_distribution_major_version: '22',
      ansible_distribution_release: 'jammy',
      ansible_architecture: 'aarch64',
      ansible_memtotal_mb: 1968,
    });
  });

  it('takes the family from ID_LIKE, and leaves out what the host did not report', () => {
    const rocky = factsOf('rocky-9.txt');
    expect(rocky).toMatchObject({
      ansible_os_family: 'RedHat',
      ansible_distribution: 'Rocky',
      ansible_distribution_major_version: '9',
      ansible_processor_vcpus: 8,
    });
    expect(rocky.ansible_distribution_release).toBe('');
    expect(rocky.ansible_default_ipv4).toEqual({ address: '192.168.1.40', interface: undefined, gateway: undefined });
  });

  it('spells distributions as Ansible does, with any ID_LIKE word giving the family', () => {
    expect(factsOf('opensuse-leap.txt')).toMatchObject({
      ansible_os_family: 'Suse',
      ansible_distribution: 'openSUSE Leap',
      ansible_distribution_version: '15.5',
    });
  });

  it('falls back to the kernel name without /etc/os-release, and reports no memory rather than 0', () => {
    const facts = factsOf('no-os-release.txt');
    expect(facts).toMatchObject({
      ansible_distribution: 'Linux',
      ansible_os_family: 'Linux',
      ansible_architecture: 'armv7l',
    });
    expect(facts.ansible_distribution_version).toBeUndefined();
    expect(facts.ansible_memtotal_mb).toBeUndefined();
    expect(facts.ansible_default_ipv4).toEqual({ address: undefined, interface: undefined, gateway: undefined });
  });
});

/** What /etc/os-release says, read the way the facts script reads it. */
function readOsRelease(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) out[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

const NODE_ARCH: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ia32: 'i686',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

describe('facts gathered from this machine over the local connection', () => {
  let facts: Record<string, any>;
  let execs: number;
  beforeAll(async () => {
    const conn = new LocalConnection('local');
    const result = await conn.exec(FACTS_SCRIPT);
    expect(result.code).toBe(0);
    facts = parseFacts(result.stdout);
    execs = conn.execCount;
  });

  it('takes one remote command', () => {
    expect(execs).toBe(1);
  });

  it('hostname and fqdn match the machine', () => {
    expect(facts.ansible_hostname).toBe(os.hostname().split('.')[0]);
    expect(facts.ansible_fqdn).toBe(execFileSync('hostname', ['-f'], { encoding: 'utf8' }).trim());
    expect(facts.ansible_fqdn.startsWith(facts.ansible_hostname)).toBe(true);
  });

  it('os family, distribution and version match /etc/os-release', () => {
    const release = readOsRelease();
    expect(String(facts.ansible_distribution).toLowerCase().replace(/\s+/g, '-')).toBe(release.ID);
    expect(facts.ansible_distribution_version).toBe(release.VERSION_ID);
    expect(facts.ansible_distribution_major_version).toBe(release.VERSION_ID?.split('.')[0]);
    if ([release.ID, ...(release.ID_LIKE ?? '').split(' ')].includes('debian'))
      expect(facts.ansible_os_family).toBe('Debian');
    else expect(facts.ansible_os_family).toEqual(expect.any(String));
  });

  it('architecture, cpu count and memory match what node reports', () => {
    expect(facts.ansible_architecture).toBe(NODE_ARCH[os.arch()] ?? os.arch());
    expect(facts.ansible_system).toBe(os.type());
    expect(facts.ansible_kernel).toBe(os.release());
    expect(facts.ansible_processor_vcpus).toBe(os.cpus().length);
    expect(Math.abs(facts.ansible_memtotal_mb - os.totalmem() / 1024 / 1024)).toBeLessThanOrEqual(1);
  });

  it("the default IPv4 address belongs to one of this machine's interfaces", () => {
    const { address, interface: name } = facts.ansible_default_ipv4;
    expect(address).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
    const interfaces = os.networkInterfaces();
    const owner = Object.entries(interfaces).find(([, addrs]) =>
      addrs?.some((a) => a.family === 'IPv4' && a.address === address),
    );
    expect(owner, `${address} on no interface of ${JSON.stringify(interfaces)}`).toBeDefined();
    if (name) expect(owner![0]).toBe(name);
    expect(owner![1]!.find((a) => a.address === address)!.internal).toBe(false);
  });

  it('reach templates in a play with gather_facts, also as ansible_facts.*', async () => {
    const dir = writeFiles({
      'hosts.ini': 'me ansible_connection=local\n',
      'play.yml':
        '- hosts: all\n  tasks:\n    - debug:\n        msg: "{{ ansible_distribution }}/{{ ansible_facts.ansible_architecture }}/{{ ansible_processor_vcpus }}"\n',
    });
    const result = await runCli(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `ok: [me] => ${facts.ansible_distribution}/${facts.ansible_architecture}/${facts.ansible_processor_vcpus}`,
    );
  });
});
