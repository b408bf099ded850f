import { labSshArgs } from './remote-hosts.js';
import { runTool } from './run-tool.js';

const ATTEMPT_TIMEOUT_S = 60;
const ATTEMPTS = 3;

/**
 * Refreshes the apt cache's package indexes from one new lab host, one request at a time, before
 * the other hosts ask. Several hosts asking apt-cacher-ng for an index while it fetches that index
 * from the mirror can get a truncated answer that leaves apt waiting forever (seen with bookworm's
 * apt 2.6). Once refreshed, the cache serves the index as fresh for an hour (FreshIndexMaxAge in
 * apt-cache.ts), so the hosts' own updates never meet a refresh under way. Each attempt is
 * bounded, so a hang here costs a retry, not the run.
 */
export async function warmAptCache(
  host: { name: string; address: string },
  ssh: { key: string; knownHosts: string },
  log: (line: string) => void,
): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const result = await runTool(
      'ssh',
      [
        ...labSshArgs(ssh.key, ssh.knownHosts),
        `root@${host.address}`,
        `timeout -k 5 ${ATTEMPT_TIMEOUT_S} apt-get update -q`,
      ],
      { allowFailure: true, timeoutMs: (ATTEMPT_TIMEOUT_S + 15) * 1000 },
    );
    if (result.code === 0) return;
    log(
      `refreshing the apt cache from ${host.name} failed (attempt ${attempt} of ${ATTEMPTS}, exit ${result.code}); ${attempt < ATTEMPTS ? 'trying again' : 'hosts will fetch the indexes themselves'}`,
    );
  }
}
