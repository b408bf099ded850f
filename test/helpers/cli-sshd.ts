import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownHostsLine, type TestSshd } from './sshd.js';

/**
 * An environment in which `drover` reads nothing of the machine's own SSH setup: HOME is a fresh
 * directory (no ~/.ssh/config, no ~/.ssh/known_hosts), no ssh-agent, plain output.
 */
export function hermeticCliEnv(dir: string): Record<string, string> {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return { HOME: home, SSH_AUTH_SOCK: '', CI: '1' };
}

/** A known_hosts file holding the host keys of these sshds. */
export function writeKnownHosts(dir: string, sshds: TestSshd[]): string {
  const file = join(dir, 'known_hosts');
  writeFileSync(file, `${sshds.map((sshd) => knownHostsLine(sshd)).join('\n')}\n`);
  return file;
}

/** INI inventory variables that log in to a test sshd as root with its client key. */
export function rootKeyVars(sshd: TestSshd): string {
  return `ansible_host=${sshd.address} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKeyPath}`;
}
