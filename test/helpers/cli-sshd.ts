import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, knownHostsLine, startSshd, type TestSshd } from './sshd.js';

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

/** A test sshd with a user whose one password logs in and sudoes, a temp dir, and a known_hosts file for the CLI. */
export interface PasswordHost {
  sshd: TestSshd;
  dir: string;
  knownHosts: string;
  /** Removes the user, the sshd and the dir. */
  stop(): void;
}

export async function startPasswordHost(options: {
  name: string;
  subnet: number;
  user: string;
  password: string;
}): Promise<PasswordHost> {
  const sshd = await startSshd({ name: options.name, subnet: options.subnet });
  const removeUser = createUser(options.user, options.password, `${options.user} ALL=(ALL:ALL) ALL`);
  const dir = mkdtempSync(join(tmpdir(), `drover-${options.name}-`));
  return {
    sshd,
    dir,
    knownHosts: writeKnownHosts(dir, [sshd]),
    stop: () => {
      removeUser();
      sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
