import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { HostKeyPolicy } from './host-key-check.js';
import type { ConnectionSettings } from './types.js';
import { DroverError } from '../errors.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Long enough for a slow package install, short enough that a wedged command does not hang a run. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 3_600_000;
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 5_000;

/** Everything needed to open one SSH link, after inventory, CLI and ~/.ssh/config are merged. */
export interface ResolvedSshSettings {
  host: string;
  address: string;
  port: number;
  user: string;
  /** Key files in the order they are offered; the first ones come from the inventory. */
  identityFiles: string[];
  password?: string;
  knownHostsFiles: string[];
  hostKeyChecking: HostKeyPolicy;
  proxyJump?: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  keepaliveIntervalMs: number;
  connectRetries: number;
}

export function defaultSshConfigPath(): string {
  return join(homedir(), '.ssh', 'config');
}

/**
 * Merges inventory settings with ~/.ssh/config (looked up by the address, as `ssh ADDRESS` would):
 * HostName always applies to the name it matched; User, Port, IdentityFile, ProxyJump,
 * UserKnownHostsFile and ConnectTimeout apply only where the inventory left them unset.
 */
export function resolveSshSettings(
  settings: ConnectionSettings,
  sshConfigPath = defaultSshConfigPath(),
): ResolvedSshSettings {
  const config = readSshConfig(sshConfigPath, settings.address);
  const address = expandTokens(first(config.hostname) ?? settings.address, settings.address);
  const user = settings.user ?? first(config.user) ?? userInfo().username;
  const port = settings.port ?? parsePort(first(config.port), sshConfigPath) ?? 22;
  // Like OpenSSH, key files named in ssh config that do not exist are skipped silently.
  const configKeys = list(config.identityfile)
    .map((file) => expandPath(expandTokens(file, settings.address, user)))
    .filter((file) => existsSync(file));
  const identityFiles = [...(settings.privateKeyFile ? [expandPath(settings.privateKeyFile)] : []), ...configKeys];
  if (identityFiles.length === 0) identityFiles.push(...defaultIdentityFiles());
  const userKnownHosts = list(config.userknownhostsfile)
    .flatMap((value) => value.split(/\s+/))
    .filter((file) => file !== '' && file !== 'none')
    .map(expandPath);
  const proxyJump = settings.proxyJump ?? first(config.proxyjump);
  const configTimeout = Number(first(config.connecttimeout));
  return {
    host: settings.host,
    address,
    port,
    user,
    identityFiles: [...new Set(identityFiles)],
    password: settings.password,
    knownHostsFiles: [
      ...(settings.knownHostsFiles ?? []).map(expandPath),
      ...(userKnownHosts.length > 0 ? userKnownHosts : [join(homedir(), '.ssh', 'known_hosts')]),
    ],
    hostKeyChecking: settings.hostKeyChecking ?? 'strict',
    proxyJump: proxyJump === undefined || proxyJump.toLowerCase() === 'none' ? undefined : proxyJump,
    connectTimeoutMs:
      settings.connectTimeoutMs ?? (configTimeout > 0 ? configTimeout * 1000 : DEFAULT_CONNECT_TIMEOUT_MS),
    commandTimeoutMs: settings.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    keepaliveIntervalMs: settings.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
    connectRetries: settings.connectRetries ?? 0,
  };
}

export class SshConfigError extends DroverError {
  override name = 'SshConfigError';
}

function readSshConfig(path: string, host: string): Record<string, string | string[]> {
  if (!existsSync(path)) return {};
  try {
    // Match exec would run arbitrary commands from the file for every host: left out on purpose.
    return SSHConfig.parse(readFileSync(path, 'utf8')).compute(host, { ignoreCase: true, matchExec: false });
  } catch (error) {
    throw new SshConfigError(`cannot read ssh config ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function parsePort(value: string | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SshConfigError(`${path}: Port ${value} is not a port number (1-65535)`);
  }
  return port;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function defaultIdentityFiles(): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa']
    .map((name) => join(homedir(), '.ssh', name))
    .filter((file) => existsSync(file));
}

/** ssh_config's %h (host), %r (remote user), %u (local user), %d (home) and %% tokens. */
function expandTokens(value: string, host: string, remoteUser = ''): string {
  return value.replace(/%([hrud%])/g, (_, token: string) => {
    if (token === 'h') return host;
    if (token === 'r') return remoteUser;
    if (token === 'u') return userInfo().username;
    if (token === 'd') return homedir();
    return '%';
  });
}

export function expandPath(file: string): string {
  if (file === '~') return homedir();
  if (file.startsWith('~/')) return join(homedir(), file.slice(2));
  return file;
}
