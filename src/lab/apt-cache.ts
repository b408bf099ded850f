import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AptMirrors } from './apt-mirror.js';
import { LabError } from './errors.js';
import { isProcessAlive, waitForExit } from './process.js';
import { runTool } from './run-tool.js';
import { probePort } from './ssh-probe.js';

export const APT_CACHE_PORT = 3142;
/** How long apt-cacher-ng serves a cached package index without asking the mirror again. */
export const INDEX_FRESH_SECONDS = 3600;

/** "http://deb.debian.org/debian" -> "deb.debian.org/debian", the form apt-cacher-ng matches requests by. */
function hostAndPath(uri: string): string {
  return uri.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** A private apt-cacher-ng config: its own cache, logs and pid file in the state dir, Debian mapped to the machine's mirror. */
export function renderAptCacheConfig(dir: string, address: string, mirrors: AptMirrors): string {
  const lines = [
    `CacheDir: ${join(dir, 'cache')}`,
    `LogDir: ${join(dir, 'log')}`,
    'SupportDir: /usr/lib/apt-cacher-ng',
    `Port: ${APT_CACHE_PORT}`,
    `BindAddress: ${address}`,
    `PidFile: ${join(dir, 'run', 'pid')}`,
    `SocketPath: ${join(dir, 'run', 'socket')}`,
    'ForeGround: 0',
    `Remap-debrep: file:deb_mirror*.gz /debian ${hostAndPath(mirrors.debian)} ; file:backends_debian`,
    'ExThreshold: 4',
    'FollowIndexFileRemoval: 1',
    // Hosts asking for an index while apt-cacher-ng refreshes it from the mirror can get a
    // truncated answer that leaves apt waiting forever. An index is refreshed at most hourly,
    // and `lab up` refreshes the indexes from one new host before the others ask (warm-apt-cache.ts).
    `FreshIndexMaxAge: ${INDEX_FRESH_SECONDS}`,
  ];
  if (mirrors.security) {
    lines.push(
      `Remap-secdeb: security.debian.org security.debian.org/debian-security deb.debian.org/debian-security /debian-security ${hostAndPath(mirrors.security)} ; ${mirrors.security}/`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Where apt-cacher-ng sends Debian requests: the machine's own mirror. */
export function renderAptBackends(mirrors: AptMirrors): string {
  return `${mirrors.debian}/\n`;
}

/** Starts apt-cacher-ng on the bridge address (port 3142) unless the recorded one still answers. */
export async function ensureAptCache(
  stateDir: string,
  address: string,
  mirrors: AptMirrors,
  recordedPid?: number,
): Promise<number> {
  const confDir = join(stateDir, 'conf');
  if (recordedPid && isProcessAlive(recordedPid) && (await probePort(address, APT_CACHE_PORT, 1000)))
    return recordedPid;
  for (const sub of ['conf', 'cache', 'log', 'run']) await mkdir(join(stateDir, sub), { recursive: true });
  await writeFile(join(confDir, 'acng.conf'), renderAptCacheConfig(stateDir, address, mirrors));
  // Without this file apt-cacher-ng sends Debian requests to a public mirror of its own choosing.
  await writeFile(join(confDir, 'backends_debian'), renderAptBackends(mirrors));
  await rm(join(stateDir, 'run', 'pid'), { force: true });
  await runTool('apt-cacher-ng', ['-c', confDir]);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const pid = Number((await readFile(join(stateDir, 'run', 'pid'), 'utf8').catch(() => '')).trim());
    if (pid && (await probePort(address, APT_CACHE_PORT, 500))) return pid;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LabError(
    `apt-cacher-ng did not start listening on ${address}:${APT_CACHE_PORT}; see ${join(stateDir, 'log')}/apt-cacher.err (is another program using port ${APT_CACHE_PORT}?)`,
  );
}

/** Stops the apt-cacher-ng the lab started; the cache itself is kept for the next lab. */
export async function stopAptCache(stateDir: string, pid?: number): Promise<void> {
  const recorded = Number((await readFile(join(stateDir, 'run', 'pid'), 'utf8').catch(() => '')).trim());
  for (const candidate of new Set([pid, recorded].filter((p): p is number => !!p))) {
    if (!isProcessAlive(candidate)) continue;
    const cmdline = await readFile(`/proc/${candidate}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('apt-cacher-ng')) continue;
    process.kill(candidate, 'SIGTERM');
    if (!(await waitForExit(candidate, 5000))) process.kill(candidate, 'SIGKILL');
  }
  await rm(join(stateDir, 'run'), { recursive: true, force: true });
}
