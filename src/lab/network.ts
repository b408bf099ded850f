import { createHash } from 'node:crypto';
import { LabError } from './errors.js';
import { runTool } from './run-tool.js';

export const DEFAULT_BRIDGE = 'drover-lab0';
export const NETNS_PREFIX = 'drover-lab-';

/** The bridge to use: env DROVER_LAB_BRIDGE, or the default. A second lab (own DROVER_LAB_DIR) needs its own. */
export function resolveBridgeName(): string {
  const name = process.env.DROVER_LAB_BRIDGE || DEFAULT_BRIDGE;
  // Linux limits interface names to 15 bytes.
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) {
    throw new LabError(
      `lab bridge name "${name}" is not an interface name (1 to 15 letters, digits, "_", "." or "-"); fix env DROVER_LAB_BRIDGE`,
    );
  }
  return name;
}

/** Namespace of one host: the file /run/netns/NAME. */
export function netnsName(host: string): string {
  return `${NETNS_PREFIX}${host}`;
}

/** Controller end of a host's veth pair; interface names are limited to 15 bytes, so it is hashed. */
export function vethName(host: string): string {
  return `dl-${createHash('sha256').update(host).digest('hex').slice(0, 10)}`;
}

export async function linkExists(name: string): Promise<boolean> {
  const result = await runTool('ip', ['link', 'show', 'dev', name], { allowFailure: true });
  return result.code === 0;
}

/** True when the link exists and is a port of the bridge. */
export async function isLinkOnBridge(link: string, bridge: string): Promise<boolean> {
  const result = await runTool('ip', ['-o', 'link', 'show', 'dev', link], { allowFailure: true });
  return result.code === 0 && result.stdout.includes(` master ${bridge} `);
}

export async function listNetns(): Promise<string[]> {
  const result = await runTool('ip', ['netns', 'list'], { allowFailure: true });
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

/** Creates the bridge with address .1 (kept when it already exists). */
export async function ensureBridge(name: string, address: string, prefix: number): Promise<void> {
  if (!(await linkExists(name))) await runTool('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  const addrs = await runTool('ip', ['-o', '-4', 'addr', 'show', 'dev', name]);
  if (!addrs.stdout.includes(` ${address}/${prefix} `)) {
    await runTool('ip', ['addr', 'add', `${address}/${prefix}`, 'dev', name]);
  }
  await runTool('ip', ['link', 'set', name, 'up']);
}

export async function removeLink(name: string): Promise<void> {
  if (await linkExists(name)) await runTool('ip', ['link', 'del', 'dev', name], { allowFailure: true });
}

/**
 * The MAC of a host's eth0, fixed by its address (locally administered, 02:64 then the four octets).
 * A host that comes back at an address keeps its MAC, so the neighbour entries the controller and
 * the other hosts cached for that address stay right; with a random MAC every new boot waited out
 * stale ARP entries (up to a minute and a half before sshd could be reached).
 */
export function macForAddress(address: string): string {
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255))
    throw new Error(`not an IPv4 address: ${address}`);
  return ['02', '64', ...octets.map((o) => o.toString(16).padStart(2, '0'))].join(':');
}

/** A namespace with loopback and eth0 (the far end of a veth on the bridge), addressed and routed. */
export async function createHostNetwork(options: {
  netns: string;
  veth: string;
  bridge: string;
  address: string;
  prefix: number;
  gateway: string;
}): Promise<void> {
  const { netns, veth, bridge, address, prefix, gateway } = options;
  await removeHostNetwork(netns, veth);
  await runTool('ip', ['netns', 'add', netns]);
  await runTool('ip', [
    'link',
    'add',
    veth,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'address',
    macForAddress(address),
    'netns',
    netns,
  ]);
  await runTool('ip', ['link', 'set', veth, 'master', bridge]);
  await runTool('ip', ['link', 'set', veth, 'up']);
  await runTool('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  await runTool('ip', ['-n', netns, 'addr', 'add', `${address}/${prefix}`, 'dev', 'eth0']);
  await runTool('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
  await runTool('ip', ['-n', netns, 'route', 'add', 'default', 'via', gateway]);
}

/** Removes a host's namespace and veth; missing pieces are fine (down after a partial up). */
export async function removeHostNetwork(netns: string, veth: string): Promise<void> {
  if ((await listNetns()).includes(netns)) await runTool('ip', ['netns', 'del', netns], { allowFailure: true });
  await removeLink(veth);
}
