import { rm } from 'node:fs/promises';
import { stopAptCache } from './apt-cache.js';
import { baseImagePath } from './base-image.js';
import { stopContainer } from './container.js';
import { withLabLock } from './lock.js';
import {
  isLinkOnBridge,
  listNetns,
  NETNS_PREFIX,
  netnsName,
  removeHostNetwork,
  removeLink,
  resolveBridgeName,
  vethName,
} from './network.js';
import { hostPaths, resolveLabPaths, type LabPaths } from './paths.js';
import { assertRoot } from './preflight.js';
import { syncRemoteHostsBlock } from './remote-hosts.js';
import { probeSsh } from './ssh-probe.js';
import { readLabState, writeLabState } from './state-file.js';
import { findLabNspawnPids } from './sweep.js';
import type { LabLog } from './types.js';
import { refreshKnownHosts } from './up.js';
import { pathExists } from './path-exists.js';

/**
 * Removes the named lab hosts (all of them when omitted): containers, namespaces, veths and overlays.
 * When no host is left, the bridge and apt-cacher-ng go too. Works from the state file, so it
 * also cleans up after a partial `lab up`; the base image and apt cache are kept for next time.
 */
export async function labDown(hostNames?: string[], options: { log?: LabLog } = {}): Promise<void> {
  const log = options.log ?? (() => {});
  assertRoot('down');
  const paths = resolveLabPaths();
  await withLabLock(paths.lockFile, log, async () => {
    const state = await readLabState(paths.stateFile);
    const names = hostNames ?? Object.keys(state.hosts);
    const removed: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const record = state.hosts[name];
        await stopContainer(record?.pid, name);
        await removeHostNetwork(record?.netns ?? netnsName(name), record?.veth ?? vethName(name));
        await rm(hostPaths(paths, name).dir, { recursive: true, force: true });
        if (record) removed.push(name);
        delete state.hosts[name];
      }),
    );
    await writeLabState(paths.stateFile, state);
    await refreshKnownHosts(paths, state);

    const remaining = Object.values(state.hosts);
    if (remaining.length === 0) {
      const bridge = state.bridge?.name ?? resolveBridgeName();
      await sweepEverything(paths, bridge);
      await stopAptCache(paths.aptCacheDir, state.aptCache?.pid);
      await removeLink(bridge);
      delete state.aptCache;
      delete state.bridge;
      delete state.subnet;
      await writeLabState(paths.stateFile, state);
    } else if (removed.length > 0) {
      const everyone = remaining.map(({ name, address }) => ({ name, address }));
      await Promise.all(
        remaining.map(async (record) => {
          if (await probeSsh(record.address, 1000))
            await syncRemoteHostsBlock(record, everyone, paths).catch(() => false);
        }),
      );
    }
    log(removed.length ? `removed ${removed.join(', ')}` : 'no lab hosts to remove');
    if (remaining.length === 0) log('lab bridge and apt-cacher-ng stopped');
  });
}

/**
 * With no host left, anything that still looks like this lab's (a lost state file) is removed too:
 * a namespace whose veth is on this lab's bridge, or whose host still has a dir in this state dir.
 * Another lab (its own DROVER_LAB_DIR and bridge) may run beside this one; its hosts are left alone.
 */
async function sweepEverything(paths: LabPaths, bridge: string): Promise<void> {
  for (const { pid, machine } of await findLabNspawnPids(baseImagePath(paths.imagesDir))) {
    if (machine) await stopContainer(pid, machine);
  }
  for (const ns of await listNetns()) {
    if (!ns.startsWith(NETNS_PREFIX)) continue;
    const host = ns.slice(NETNS_PREFIX.length);
    const veth = vethName(host);
    if ((await isLinkOnBridge(veth, bridge)) || (await pathExists(hostPaths(paths, host).dir)))
      await removeHostNetwork(ns, veth);
  }
}
