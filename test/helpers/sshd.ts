import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConnection, type SshConnectionOptions } from '../../src/connection/ssh.js';
import type { ConnectionSettings } from '../../src/connection/types.js';

/** A bare OpenSSH sshd in its own network namespace, reached over a veth pair. */
export interface TestSshd {
  namespace: string;
  address: string;
  port: number;
  /** Paths to the host's private keys (first one: ed25519). */
  hostKeyPaths: string[];
  hostKeyPath: string;
  /** `TYPE BASE64` of each host key, as known_hosts records them (first one: ed25519). */
  hostPublicKeys: string[];
  hostPublicKey: string;
  /** A client key authorised for every user. */
  clientKeyPath: string;
  dir: string;
  /** Authorises one more public key line. */
  authorize(publicKeyLine: string): void;
  /** Kills every process in the namespace (sshd and its sessions), as if the host died. */
  kill(): void;
  /** Starts sshd again in the namespace (after kill()), as when a host comes back up. */
  startDaemon(): Promise<void>;
  /** Takes the namespace's link down: packets vanish, as on a network partition. */
  cutNetwork(): void;
  /** Brings the namespace's link back up after cutNetwork(). */
  restoreNetwork(): void;
  stop(): void;
}

export interface SshdOptions {
  /** Unique per test file: names the namespace (drover-t-NAME) and the veth ends. */
  name: string;
  /** Distinct per test file: the pair gets 10.231.SUBNET.1 (peer) and 10.231.SUBNET.2 (sshd). */
  subnet: number;
  /** Link to this namespace instead of the controller: the sshd is then reachable only from there. */
  peerNamespace?: string;
  hostKeyTypes?: Array<'ed25519' | 'rsa' | 'ecdsa'>;
  /** 22 when omitted. */
  port?: number;
  /** Reuse one client key pair for several sshds. */
  clientKeyPath?: string;
  extraConfig?: string[];
}

export function run(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function quiet(command: string, args: string[]): void {
  spawnSync(command, args, { stdio: 'ignore' });
}

export function generateKey(path: string, type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519', passphrase = ''): string {
  rmSync(path, { force: true });
  rmSync(`${path}.pub`, { force: true });
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  run('ssh-keygen', ['-q', '-t', type, ...bits, '-N', passphrase, '-C', 'drover-test', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

/** `TYPE BASE64` of a public key line, without its comment. */
export function keyPart(publicKeyLine: string): string {
  return publicKeyLine.split(/\s+/).slice(0, 2).join(' ');
}

export async function startSshd(options: SshdOptions): Promise<TestSshd> {
  if (options.subnet < 1 || options.subnet > 254) throw new Error('subnet must be 1..254');
  const namespace = `drover-t-${options.name}`;
  const outer = `dv${options.subnet}o`;
  const inner = `dv${options.subnet}i`;
  const address = `10.231.${options.subnet}.2`;
  const peerAddress = `10.231.${options.subnet}.1`;
  removeNetwork(namespace, outer, options.peerNamespace);

  const dir = mkdtempSync(join(tmpdir(), `drover-sshd-${options.name}-`));
  // sshd reads AuthorizedKeysFile as the logging-in user, who must be able to reach it.
  chmodSync(dir, 0o755);
  const types = options.hostKeyTypes ?? ['ed25519'];
  const hostKeyPaths = types.map((type) => join(dir, `host_${type}`));
  const hostPublicKeys = types.map((type, i) => keyPart(generateKey(hostKeyPaths[i], type)));
  const clientKeyPath = options.clientKeyPath ?? join(dir, 'client_ed25519');
  if (!options.clientKeyPath) generateKey(clientKeyPath);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, `${readFileSync(`${clientKeyPath}.pub`, 'utf8').trim()}\n`, { mode: 0o644 });

  const rootHome = join(dir, 'root-home');
  mkdirSync(rootHome, { mode: 0o700 });
  for (const file of ['bashrc', 'profile'])
    copyFileSync(`/usr/share/base-files/dot.${file}`, join(rootHome, `.${file}`));
  const pidFile = join(dir, 'sshd.pid');
  // sshd keeps the first value it reads for an option, so extra lines go first.
  const config = [
    ...(options.extraConfig ?? []),
    `ListenAddress ${address}`,
    `Port ${options.port ?? 22}`,
    ...hostKeyPaths.map((path) => `HostKey ${path}`),
    `PidFile ${pidFile}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    // The temp dir lives under /tmp, which StrictModes would reject.
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'AllowTcpForwarding yes',
    'LogLevel VERBOSE',
    // root's shell starts in a home of its own, holding what a fresh Debian root has: this
    // machine's /root/.bashrc may run anything on every login (pyenv init: 170 processes and a
    // lock that a killed session leaves behind, stalling every later login for a minute).
    'Match User root',
    `  SetEnv HOME=${rootHome}`,
  ];
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, `${config.join('\n')}\n`);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  run('ip', ['netns', 'add', namespace]);
  run('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
  run('ip', ['link', 'set', inner, 'netns', namespace]);
  const inPeer = options.peerNamespace ? ['ip', 'netns', 'exec', options.peerNamespace] : [];
  if (options.peerNamespace) run('ip', ['link', 'set', outer, 'netns', options.peerNamespace]);
  const peerIp = (args: string[]) =>
    inPeer.length ? run(inPeer[0], [...inPeer.slice(1), 'ip', ...args]) : run('ip', args);
  peerIp(['addr', 'add', `${peerAddress}/30`, 'dev', outer]);
  peerIp(['link', 'set', outer, 'up']);
  const nsIp = (args: string[]) => run('ip', ['netns', 'exec', namespace, 'ip', ...args]);
  nsIp(['addr', 'add', `${address}/30`, 'dev', inner]);
  nsIp(['link', 'set', inner, 'up']);
  nsIp(['link', 'set', 'lo', 'up']);

  const startDaemon = async () => {
    rmSync(pidFile, { force: true });
    run('ip', ['netns', 'exec', namespace, '/usr/sbin/sshd', '-f', configPath, '-E', join(dir, 'sshd.log')]);
    const deadline = Date.now() + 10_000;
    while (!existsSync(pidFile)) {
      if (Date.now() > deadline)
        throw new Error(`sshd in ${namespace} did not start: ${safeRead(join(dir, 'sshd.log'))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await startDaemon();

  return {
    namespace,
    address,
    port: options.port ?? 22,
    hostKeyPaths,
    hostKeyPath: hostKeyPaths[0],
    hostPublicKeys,
    hostPublicKey: hostPublicKeys[0],
    clientKeyPath,
    dir,
    authorize: (line) => appendFileSync(authorizedKeys, `${line.trim()}\n`),
    kill: () => killNamespace(namespace),
    startDaemon,
    cutNetwork: () => quiet('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', inner, 'down']),
    restoreNetwork: () => run('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', inner, 'up']),
    stop: () => {
      removeNetwork(namespace, outer, options.peerNamespace);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function killNamespace(namespace: string): void {
  const result = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' });
  for (const pid of (result.stdout ?? '').split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {}
  }
}

function removeNetwork(namespace: string, outer: string, peerNamespace?: string): void {
  if (existsSync(`/run/netns/${namespace}`)) {
    killNamespace(namespace);
    quiet('ip', ['netns', 'del', namespace]);
  }
  // Deleting the namespace removes its veth end and with it the pair; this covers half-made setups.
  if (peerNamespace) quiet('ip', ['netns', 'exec', peerNamespace, 'ip', 'link', 'del', outer]);
  else quiet('ip', ['link', 'del', outer]);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '(no log)';
  }
}

/** A known_hosts line for the sshd, as `ssh-keyscan` would print it. */
export function knownHostsLine(sshd: TestSshd, key = sshd.hostPublicKey): string {
  const name = sshd.port === 22 ? sshd.address : `[${sshd.address}]:${sshd.port}`;
  return `${name} ${key}`;
}

/** A temporary Unix user with a password, removed by the returned function. */
export function createUser(name: string, password: string, sudoers?: string): () => void {
  quiet('userdel', ['-f', '-r', name]);
  run('useradd', ['-m', '-s', '/bin/sh', name]);
  run('chpasswd', [], `${name}:${password}\n`);
  const dropIn = `/etc/sudoers.d/drover-test-${name}`;
  if (sudoers !== undefined) {
    writeFileSync(dropIn, `${sudoers}\n`, { mode: 0o440 });
    run('visudo', ['-c', '-q', '-f', dropIn]);
  }
  return () => {
    rmSync(dropIn, { force: true });
    quiet('userdel', ['-f', '-r', name]);
  };
}

/**
 * Settings and options for a hermetic connection to a test sshd: its host key recorded in a
 * known_hosts file of its own, no ssh-agent, and an ssh config that reads nothing from ~/.ssh.
 */
export function sshTarget(
  sshd: TestSshd,
  overrides: Partial<ConnectionSettings> = {},
): { settings: ConnectionSettings; options: SshConnectionOptions; knownHosts: string } {
  const knownHosts = join(sshd.dir, 'known_hosts');
  if (!existsSync(knownHosts)) writeFileSync(knownHosts, `${knownHostsLine(sshd)}\n`);
  const sshConfigPath = join(sshd.dir, 'ssh_config');
  if (!existsSync(sshConfigPath))
    writeFileSync(sshConfigPath, `Host *\n  UserKnownHostsFile ${join(sshd.dir, 'user_known_hosts')}\n`);
  return {
    settings: {
      host: sshd.namespace,
      transport: 'ssh',
      address: sshd.address,
      port: sshd.port,
      user: 'root',
      privateKeyFile: sshd.clientKeyPath,
      knownHostsFiles: [knownHosts],
      connectTimeoutMs: 5_000,
      ...overrides,
    },
    options: { sshConfigPath, agentSocket: '' },
    knownHosts,
  };
}

/** Opens a hermetic connection (see sshTarget) and puts its close first in cleanups. */
export async function connectToSshd(
  sshd: TestSshd,
  overrides: Partial<ConnectionSettings>,
  cleanups: Array<() => void>,
): Promise<SshConnection> {
  const target = sshTarget(sshd, overrides);
  const connection = new SshConnection(target.settings, target.options);
  await connection.connect();
  cleanups.unshift(() => void connection.close());
  return connection;
}
