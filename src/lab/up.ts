import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureAptCache } from './apt-cache.js';
import { readAptMirrors } from './apt-mirror.js';
import { ensureBaseImage } from './base-image.js';
import { isContainerProcess, startContainer, stopContainer } from './container.js';
import { LabError } from './errors.js';
import { replaceHostsBlockInUpper, writeHostFiles } from './host-files.js';
import { assertLabHostNames } from './host-names.js';
import { withLabLock } from './lock.js';
import {
  createHostNetwork,
  ensureBridge,
  netnsName,
  removeHostNetwork,
  resolveBridgeName,
  vethName,
} from './network.js';
import { hostPaths, resolveLabPaths, type LabPaths } from './paths.js';
import { assertHostTools, assertRoot } from './preflight.js';
import { syncRemoteHostsBlock } from './remote-hosts.js';
import { ensureLabKey, generateHostKey, readHostKey, writeKnownHosts } from './ssh-keys.js';
import { probeSsh } from './ssh-probe.js';
import { settleBoot } from './settle-boot.js';
import { waitForBoot } from './wait-for-boot.js';
import { warmAptCache } from './warm-apt-cache.js';
import { readLabState, writeLabState, type LabState } from './state-file.js';
import { statusFromState } from './status.js';
import { resolveSubnet, type LabSubnet } from './subnet.js';
import type { LabLog, LabStatus } from './types.js';
import { pathExists } from './path-exists.js';

const BOOT_TIMEOUT_MS = 90_000;

/** Serializes state-file writes from hosts booting in parallel. */
function stateSaver(file: string, state: LabState) {
  let chain = Promise.resolve();
  return () => (chain = chain.then(() => writeLabState(file, state)));
}

/** Addresses in inventory order: a host keeps the address it has; a new one takes its slot, or the next free. */
function assignAddresses(state: LabState, hostNames: string[], subnet: LabSubnet): Map<string, string> {
  const used = new Set(Object.values(state.hosts).map((h) => h.address));
  const result = new Map<string, string>();
  hostNames.forEach((name, index) => {
    const existing = state.hosts[name]?.address;
    if (existing) {
      result.set(name, existing);
      return;
    }
    const preferred = subnet.hostAddresses[index];
    const address = preferred && !used.has(preferred) ? preferred : subnet.hostAddresses.find((a) => !used.has(a));
    if (!address)
      throw new LabError(
        `the lab subnet ${subnet.cidr} has no free address left for ${name}; use a larger one with --subnet`,
      );
    used.add(address);
    result.set(name, address);
  });
  return result;
}

function allLabHosts(state: LabState): Array<{ name: string; address: string }> {
  return Object.values(state.hosts)
    .map(({ name, address }) => ({ name, address }))
    .sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
}

/** Waits for every host (so none is still being set up when the lock is released), then throws the first failure. */
async function settleAll(work: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function tailOfLog(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  // Console output carries colour codes; strip them for the error message.
  return text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trim()
    .split('\n')
    .slice(-12)
    .join('\n');
}

/**
 * Starts a lab host for each name (in parallel) and keeps the ones already running.
 * Idempotent: a second call with the same names changes nothing.
 */
export async function labUp(hostNames: string[], options: { subnet?: string; log?: LabLog } = {}): Promise<LabStatus> {
  const log = options.log ?? (() => {});
  assertLabHostNames(hostNames);
  assertRoot('up');
  await assertHostTools();
  const paths = resolveLabPaths();
  const subnet = resolveSubnet(options.subnet);
  const bridge = resolveBridgeName();
  return withLabLock(paths.lockFile, log, () => bringUp(paths, subnet, bridge, hostNames, log));
}

async function bringUp(
  paths: LabPaths,
  subnet: LabSubnet,
  bridge: string,
  hostNames: string[],
  log: LabLog,
): Promise<LabStatus> {
  const started = Date.now();
  const state = await readLabState(paths.stateFile);
  const save = stateSaver(paths.stateFile, state);
  if (state.subnet && state.subnet !== subnet.cidr && Object.keys(state.hosts).length > 0) {
    throw new LabError(
      `the lab already runs on subnet ${state.subnet}, not ${subnet.cidr}; take it down first with \`drover lab down\` or use --subnet ${state.subnet}`,
    );
  }
  if (state.bridge && state.bridge.name !== bridge && Object.keys(state.hosts).length > 0) {
    throw new LabError(
      `the lab already runs on bridge ${state.bridge.name}, not ${bridge}; take it down first with \`drover lab down\` or set DROVER_LAB_BRIDGE=${state.bridge.name}`,
    );
  }
  const mirrors = await readAptMirrors();
  await ensureLabKey(paths.key);
  const base = await ensureBaseImage(paths.imagesDir, mirrors, log);

  state.subnet = subnet.cidr;
  state.bridge = { name: bridge, address: subnet.bridgeAddress, prefix: subnet.prefix };
  state.aptCache = { ...state.aptCache, address: subnet.bridgeAddress };
  await save();
  await ensureBridge(bridge, subnet.bridgeAddress, subnet.prefix);
  state.aptCache.pid = await ensureAptCache(paths.aptCacheDir, subnet.bridgeAddress, mirrors, state.aptCache.pid);
  await save();

  const running: string[] = [];
  const toStart: string[] = [];
  for (const name of hostNames) {
    const record = state.hosts[name];
    const alive = record && (await isContainerProcess(record.pid, name)) && (await probeSsh(record.address, 1500));
    (alive ? running : toStart).push(name);
  }
  const addresses = assignAddresses(state, hostNames, subnet);
  // Record every host before creating any piece of it, so `lab down` finds partial work.
  for (const name of toStart) {
    state.hosts[name] = {
      name,
      address: addresses.get(name)!,
      netns: netnsName(name),
      veth: vethName(name),
      pid: state.hosts[name]?.pid,
    };
  }
  await save();

  const labPublicKey = await readFile(`${paths.key}.pub`, 'utf8');
  const restarted: string[] = [];
  const everyone = allLabHosts(state);
  await settleAll(
    toStart.map(async (name) => {
      const record = state.hosts[name];
      const files = hostPaths(paths, name);
      // Leftovers of an earlier run of this host (crashed, or stopped outside the lab).
      await stopContainer(record.pid, name);
      record.pid = undefined;
      await removeHostNetwork(record.netns, record.veth);
      // A host that stopped (poweroff, reboot, a crash) boots again on its own overlay, keeping its files.
      if (await pathExists(files.prepared)) {
        await replaceHostsBlockInUpper(files.upper, name, everyone);
        restarted.push(name);
        return;
      }
      await rm(files.dir, { recursive: true, force: true });
      await generateHostKey(join(files.upper, 'etc', 'ssh'), name);
      await writeHostFiles({
        upper: files.upper,
        name,
        hosts: everyone,
        labPublicKey,
        aptProxyAddress: subnet.bridgeAddress,
        mirrors,
      });
      await writeFile(files.prepared, `${new Date().toISOString()}\n`);
    }),
  );
  await refreshKnownHosts(paths, state);

  await settleAll(
    toStart.map(async (name) => {
      const record = state.hosts[name];
      const files = hostPaths(paths, name);
      await createHostNetwork({
        netns: record.netns,
        veth: record.veth,
        bridge,
        address: record.address,
        prefix: subnet.prefix,
        gateway: subnet.bridgeAddress,
      });
      record.pid = await startContainer({ name, base, upper: files.upper, netns: record.netns, log: files.log });
      await save();
      const why = await waitForBoot({ name, pid: record.pid, address: record.address }, BOOT_TIMEOUT_MS, log);
      if (why) {
        throw new LabError(
          `lab host ${name} did not come up: ${why}. Its console log ${files.log} ends with:\n${await tailOfLog(files.log)}\nRun \`drover lab down\` to clean up.`,
        );
      }
      for (const line of await settleBoot({ name, pid: record.pid })) log(line);
    }),
  );

  const fresh = toStart.filter((name) => !restarted.includes(name));
  if (fresh.length > 0) {
    await warmAptCache(state.hosts[fresh[0]], { key: paths.key, knownHosts: paths.knownHosts }, log);
  }

  // Hosts that were already running learn the names of the new ones.
  if (toStart.length > 0) {
    await Promise.all(
      Object.keys(state.hosts)
        .filter((name) => !toStart.includes(name))
        .map(async (name) => {
          const record = state.hosts[name];
          if (await probeSsh(record.address, 1000)) await syncRemoteHostsBlock(record, everyone, paths);
        }),
    );
  }
  await save();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (running.length) log(`already running: ${running.join(', ')}`);
  if (restarted.length) log(`restarted ${restarted.join(', ')} on their kept overlays`);
  if (fresh.length) log(`started ${fresh.join(', ')}`);
  log(toStart.length ? `lab up took ${seconds} s` : 'nothing to start');
  return statusFromState(state, hostNames, paths.key, paths.knownHosts);
}

/** known_hosts for every host in the lab, read from the host keys made before boot. */
export async function refreshKnownHosts(paths: LabPaths, state: LabState): Promise<void> {
  const entries: Array<{ name: string; address: string; publicKey: string }> = [];
  for (const { name, address } of allLabHosts(state)) {
    const publicKey = await readHostKey(join(hostPaths(paths, name).upper, 'etc', 'ssh'));
    if (publicKey) entries.push({ name, address, publicKey });
  }
  await writeKnownHosts(paths.knownHosts, entries);
}
