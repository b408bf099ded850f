import { renderLabHostsBlock, HOSTS_BEGIN, HOSTS_END } from './host-files.js';
import { runTool } from './run-tool.js';

/** ssh options that keep host-key checking on, against the lab's own known_hosts only. */
export function labSshArgs(key: string, knownHosts: string): string[] {
  return [
    '-i',
    key,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=5',
    '-o',
    'LogLevel=ERROR',
  ];
}

/**
 * Replaces the lab block of /etc/hosts on a running host (when lab hosts were added or removed),
 * writing in place only when it differs. Returns true when the file changed.
 */
export async function syncRemoteHostsBlock(
  target: { address: string },
  hosts: Array<{ name: string; address: string }>,
  ssh: { key: string; knownHosts: string },
): Promise<boolean> {
  const script = [
    'set -e',
    'new=$(cat)',
    `old=$(sed -n '/^${HOSTS_BEGIN}$/,/^${HOSTS_END}$/p' /etc/hosts)`,
    '[ "$new" = "$old" ] && exit 0',
    `rest=$(sed '/^${HOSTS_BEGIN}$/,/^${HOSTS_END}$/d' /etc/hosts)`,
    'printf "%s\\n%s\\n" "$rest" "$new" > /etc/hosts',
    'echo changed',
  ].join('\n');
  const result = await runTool('ssh', [...labSshArgs(ssh.key, ssh.knownHosts), `root@${target.address}`, script], {
    input: renderLabHostsBlock(hosts),
    timeoutMs: 20_000,
  });
  return result.stdout.includes('changed');
}
