import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { labSshArgs, labUp, type LabStatus } from '../../src/lab/index.js';
import { netnsName, vethName } from '../../src/lab/network.js';
import { commandLines } from './command-lines.js';
import { runProcess, type ProcessResult } from './run-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Status of the lab brought up by test/global-setup-lab.ts, when it is wired in. */
    lab?: LabStatus;
  }
}

/** The hosts test/global-setup-lab.ts brings up (names that no example inventory uses). */
export const LAB_TEST_HOSTS = ['lab-a', 'lab-b'];

/** The lab status from the global setup: provide/inject, else the JSON file named by DROVER_LAB_STATUS_FILE. */
export function providedLabStatus(): LabStatus | undefined {
  const injected = inject('lab');
  if (injected) return injected;
  const file = process.env.DROVER_LAB_STATUS_FILE;
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as LabStatus) : undefined;
}

/** The global setup's lab, or (when a file runs alone) starts the test hosts itself; idempotent either way. */
export async function ensureTestLab(hosts: string[] = LAB_TEST_HOSTS): Promise<LabStatus> {
  const provided = providedLabStatus();
  if (provided && hosts.every((h) => provided.hosts.some((p) => p.name === h && p.state === 'running')))
    return provided;
  return labUp(hosts);
}

export function labAddress(status: LabStatus, host: string): string {
  const found = status.hosts.find((h) => h.name === host);
  if (!found?.address) throw new Error(`${host} is not in the lab status`);
  return found.address;
}

export type LabSshResult = ProcessResult;

/**
 * Runs a shell command as root on a lab host with the system ssh client, the lab key and the lab
 * known_hosts (StrictHostKeyChecking=yes). knownHosts can be overridden to prove checking is on.
 */
export function runOnLabHost(
  status: LabStatus,
  host: string,
  command: string,
  options: { input?: string; timeoutMs?: number; knownHosts?: string } = {},
): Promise<LabSshResult> {
  const args = [
    ...labSshArgs(status.key, options.knownHosts ?? status.knownHosts),
    `root@${labAddress(status, host)}`,
    command,
  ];
  return runProcess('ssh', args, { input: options.input, timeoutMs: options.timeoutMs ?? 60_000, failCode: 255 });
}

/** Like runOnLabHost, but fails with the command's output when it exits non-zero. */
export async function runOnLabHostOk(
  status: LabStatus,
  host: string,
  command: string,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await runOnLabHost(status, host, command, options);
  if (result.code !== 0)
    throw new Error(`\`${command}\` on ${host} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** What the lab leaves on this machine when it is fully down: should be nothing. */
export function findLabLeftovers(): string[] {
  const leftovers: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]);
  leftovers.push(...netns.filter((ns) => ns.startsWith('drover-lab-')).map((ns) => `network namespace ${ns}`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0] ?? '');
  leftovers.push(...links.filter((l) => l === 'drover-lab0' || /^dl-[0-9a-f]{10}$/.test(l)).map((l) => `link ${l}`));
  const processes = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  for (const line of processes) {
    const [pid, command] = line.trim().split(/\s+/);
    if (command?.endsWith('systemd-nspawn') || command?.endsWith('apt-cacher-ng'))
      leftovers.push(`process ${pid} ${command}`);
  }
  return leftovers;
}

/** One lab instance: its state dir, bridge and hosts (a second lab can run beside the shared one). */
export interface LabInstance {
  stateDir: string;
  bridge: string;
  hosts: string[];
}

/** What one lab instance leaves on this machine after its whole-lab `lab down`: should be nothing. */
export function findLabInstanceLeftovers(instance: LabInstance): string[] {
  const leftovers: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]);
  for (const host of instance.hosts) {
    if (netns.includes(netnsName(host))) leftovers.push(`network namespace ${netnsName(host)}`);
  }
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0] ?? '');
  for (const link of [instance.bridge, ...instance.hosts.map(vethName)]) {
    if (links.includes(link)) leftovers.push(`link ${link}`);
  }
  for (const line of commandLines()) {
    const nspawn =
      line.split(' ')[0]?.endsWith('systemd-nspawn') && instance.hosts.some((h) => line.includes(`--machine=${h} `));
    const aptCache = line.split(' ')[0]?.endsWith('apt-cacher-ng') && line.includes(instance.stateDir);
    if (nspawn || aptCache) leftovers.push(`process ${line.trim()}`);
  }
  return leftovers;
}
