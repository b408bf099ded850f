import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { labSshArgs } from './remote-hosts.js';
import { runTool } from './run-tool.js';

/** The cached index that tells whether the cache has seen the suite lately. */
const MAIN_INDEX = join('cache', 'debrep', 'dists', 'bookworm', 'InRelease');
const FRESH_FOR_MS = 30 * 60_000;
const ATTEMPT_TIMEOUT_S = 60;
const ATTEMPTS = 3;

/**
 * Fills the apt cache's package indexes from one lab host, one request at a time.
 * Several hosts asking apt-cacher-ng for an index it has not fetched yet can get a truncated answer
 * that leaves apt waiting forever (seen with bookworm's apt 2.6); once the index is cached they
 * share it safely. Each attempt is bounded, so a hang here costs a retry, not the run.
 */
export async function warmAptCache(
  aptCacheDir: string,
  host: { name: string; address: string },
  ssh: { key: string; knownHosts: string },
  log: (line: string) => void,
): Promise<void> {
  const cached = await stat(join(aptCacheDir, MAIN_INDEX)).catch(() => undefined);
  if (cached && Date.now() - cached.mtimeMs < FRESH_FOR_MS) return;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const result = await runTool(
      'ssh',
      [...labSshArgs(ssh.key, ssh.knownHosts), `root@${host.address}`, `timeout -k 5 ${ATTEMPT_TIMEOUT_S} apt-get update -q`],
      { allowFailure: true, timeoutMs: (ATTEMPT_TIMEOUT_S + 15) * 1000 },
    );
    if (result.code === 0) return;
    log(`filling the apt cache from ${host.name} failed (attempt ${attempt} of ${ATTEMPTS}, exit ${result.code}); ${attempt < ATTEMPTS ? 'trying again' : 'hosts will fetch the indexes themselves'}`);
  }
}
