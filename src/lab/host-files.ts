import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AptMirrors } from './apt-mirror.js';
import { APT_CACHE_PORT } from './apt-cache.js';

export const HOSTS_BEGIN = '# BEGIN drover lab hosts';
export const HOSTS_END = '# END drover lab hosts';

/** The block of /etc/hosts that names every lab host, so configs can use inventory names. */
export function renderLabHostsBlock(hosts: Array<{ name: string; address: string }>): string {
  return [HOSTS_BEGIN, ...hosts.map((h) => `${h.address}\t${h.name}`), HOSTS_END].join('\n') + '\n';
}

export function renderEtcHosts(self: string, hosts: Array<{ name: string; address: string }>): string {
  return (
    [
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'ff02::1\tip6-allnodes',
      'ff02::2\tip6-allrouters',
      '',
    ].join('\n') +
    renderLabHostsBlock(hosts.some((h) => h.name === self) ? hosts : [...hosts, { name: self, address: '127.0.1.1' }])
  );
}

/** apt sources for a lab host: the same mirror URIs the machine uses (fetched through the proxy). */
export function renderAptSources(mirrors: AptMirrors): string {
  const stanza = (uri: string, suites: string) =>
    `Types: deb\nURIs: ${uri}\nSuites: ${suites}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
  const parts = [stanza(mirrors.debian, 'bookworm bookworm-updates')];
  if (mirrors.security) parts.push(stanza(mirrors.security, 'bookworm-security'));
  return parts.join('\n');
}

/**
 * /usr/local/sbin/apt-get on a lab host, ahead of /usr/bin/apt-get in root's PATH and sudo's
 * secure_path. apt 2.6 can wait forever on a connection that apt-cacher-ng half-closed (seen: the
 * http method asleep on a CLOSE-WAIT socket for minutes), and no Acquire timeout ends that wait.
 * So an `apt-get update` gets a time limit per attempt, and one that stalls is tried again;
 * every other apt-get command runs as it is. The environment overrides are for its tests.
 */
export const LAB_APT_GET_WRAPPER = `#!/bin/sh
# drover lab: an apt-get update that stalls on the apt proxy is killed and tried again.
real=\${DROVER_LAB_REAL_APT_GET:-/usr/bin/apt-get}
case " $* " in
  *" update "*) ;;
  *) exec "$real" "$@" ;;
esac
attempt=1
while :; do
  timeout -k 5 "\${DROVER_LAB_APT_STALL_S:-90}" "$real" "$@"
  rc=$?
  # 124: timed out; 137: killed after the grace period.
  if [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; then exit "$rc"; fi
  if [ "$attempt" -ge 4 ]; then exit "$rc"; fi
  echo "drover lab: apt-get update stalled (attempt $attempt); trying again" >&2
  attempt=$((attempt + 1))
done
`;

async function put(root: string, path: string, content: string, mode = 0o644): Promise<void> {
  const file = join(root, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content, { mode });
  await chmod(file, mode);
}

/** Writes a host's own files into its overlay upper dir before it boots. */
export async function writeHostFiles(options: {
  upper: string;
  name: string;
  hosts: Array<{ name: string; address: string }>;
  labPublicKey: string;
  aptProxyAddress: string;
  mirrors: AptMirrors;
}): Promise<void> {
  const { upper, name } = options;
  await put(upper, 'etc/hostname', `${name}\n`);
  await put(upper, 'etc/hosts', renderEtcHosts(name, options.hosts));
  await put(upper, 'etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  // No DNS in the lab: names resolve through /etc/hosts, apt goes through the proxy by address.
  await put(upper, 'etc/resolv.conf', '# drover lab: no DNS server; lab hosts are named in /etc/hosts\n');
  // No pipelining (a dropped pipelined request left apt waiting forever on a half-closed connection),
  // and timeouts with retries, so a request the cache drops fails and is tried again.
  await put(
    upper,
    'etc/apt/apt.conf.d/01drover-lab-proxy',
    `Acquire::http::Proxy "http://${options.aptProxyAddress}:${APT_CACHE_PORT}";\nAcquire::http::Timeout "30";\nAcquire::http::Pipeline-Depth "0";\nAcquire::Retries "3";\n`,
  );
  await put(upper, 'etc/apt/sources.list.d/debian.sources', renderAptSources(options.mirrors));
  await put(upper, 'usr/local/sbin/apt-get', LAB_APT_GET_WRAPPER, 0o755);
  await mkdir(join(upper, 'root', '.ssh'), { recursive: true, mode: 0o700 });
  await chmod(join(upper, 'root', '.ssh'), 0o700);
  await put(upper, 'root/.ssh/authorized_keys', options.labPublicKey.trim() + '\n', 0o600);
}

export async function readLabPublicKey(keyPath: string): Promise<string> {
  return readFile(`${keyPath}.pub`, 'utf8');
}

/** Puts the current lab block into a stopped host's /etc/hosts in its overlay, keeping the rest of the file. */
export async function replaceHostsBlockInUpper(
  upper: string,
  self: string,
  hosts: Array<{ name: string; address: string }>,
): Promise<void> {
  const file = join(upper, 'etc', 'hosts');
  const info = await lstat(file).catch(() => undefined);
  if (!info?.isFile()) {
    // Absent, or an overlay whiteout (the host deleted it): start from a fresh file.
    await rm(file, { force: true });
    await put(upper, 'etc/hosts', renderEtcHosts(self, hosts));
    return;
  }
  const text = await readFile(file, 'utf8');
  const pattern = new RegExp(`${HOSTS_BEGIN}\\n[\\s\\S]*?${HOSTS_END}\\n?`);
  const block = renderLabHostsBlock(hosts);
  await writeFile(file, pattern.test(text) ? text.replace(pattern, block) : `${text.replace(/\n?$/, '\n')}${block}`);
}
