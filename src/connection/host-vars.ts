import type { HostKeyPolicy } from './host-key-check.js';
import type { ConnectionSettings } from './types.js';
import { DroverError } from '../errors.js';
import { parseBoolWord } from '../bool-words.js';

/** Connection options given on the command line; inventory variables take precedence over them. */
export interface ConnectionCliOptions {
  hostKeyChecking?: HostKeyPolicy;
  knownHostsFiles?: string[];
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  privateKeyFile?: string;
  user?: string;
  /** Login password for hosts that set no ansible_password (--ask-pass). */
  password?: string;
  connectRetries?: number;
  /** The transport of hosts that set no ansible_connection (-c). */
  connection?: string;
  /** ansible_ssh_common_args of hosts that set none (--ssh-common-args). */
  sshCommonArgs?: string;
}

export class ConnectionSettingsError extends DroverError {
  override name = 'ConnectionSettingsError';
}

const SSH_TRANSPORTS = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh']);

/**
 * The host variables needed to log in to a host. The engine resolves exactly these (templates
 * rendered, play vars, vars_files and extra vars applied) before it opens the host's connection.
 */
export const LOGIN_VAR_NAMES = [
  'ansible_connection',
  'ansible_host',
  'ansible_ssh_host',
  'ansible_port',
  'ansible_ssh_port',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_ssh_password',
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
  'ansible_ssh_timeout',
  'ansible_timeout',
  'drover_known_hosts_file',
  'drover_proxy_jump',
  'drover_connect_retries',
] as const;

/** The become variables, resolved per task (a task or play may set them), never at login. */
export const BECOME_VAR_NAMES = {
  become: ['ansible_become'],
  user: ['ansible_become_user'],
  password: ['ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass'],
} as const;

/** Variables whose values are passwords: registered as secrets once resolved. */
export const PASSWORD_VAR_NAMES: ReadonlySet<string> = new Set([
  'ansible_password',
  'ansible_ssh_pass',
  'ansible_ssh_password',
  ...BECOME_VAR_NAMES.password,
]);

/**
 * Maps a host's Ansible inventory variables to connection settings. A host named localhost is still
 * reached over SSH unless it sets `ansible_connection: local`.
 */
export function settingsFromHostVars(
  host: string,
  vars: Record<string, unknown>,
  cli: ConnectionCliOptions = {},
): ConnectionSettings {
  const read = (...names: string[]) => {
    for (const name of names) if (vars[name] !== undefined && vars[name] !== null) return { name, value: vars[name] };
    return undefined;
  };
  const text = (...names: string[]): string | undefined => {
    const found = read(...names);
    if (!found) return undefined;
    if (typeof found.value !== 'string' && typeof found.value !== 'number') {
      throw new ConnectionSettingsError(
        `host ${host}: ${found.name} must be a string, got ${JSON.stringify(found.value)}`,
      );
    }
    return String(found.value);
  };

  const connection = text('ansible_connection') ?? cli.connection ?? 'ssh';
  if (connection !== 'local' && !SSH_TRANSPORTS.has(connection)) {
    throw new ConnectionSettingsError(
      `host ${host}: ansible_connection "${connection}" is not supported; use ssh or local`,
    );
  }
  const portText = text('ansible_port', 'ansible_ssh_port');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new ConnectionSettingsError(`host ${host}: ansible_port "${portText}" is not a port number (1-65535)`);
  }
  const timeoutSeconds = text('ansible_ssh_timeout', 'ansible_timeout');
  const knownHostsFile = text('drover_known_hosts_file');
  const retriesText = text('drover_connect_retries');
  const becomeFound = read('ansible_become');

  const settings: ConnectionSettings = {
    host,
    transport: connection === 'local' ? 'local' : 'ssh',
    address: text('ansible_host', 'ansible_ssh_host') ?? host,
    port,
    user: text('ansible_user', 'ansible_ssh_user') ?? cli.user,
    privateKeyFile: text('ansible_ssh_private_key_file', 'ansible_private_key_file') ?? cli.privateKeyFile,
    password: text('ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password') ?? cli.password,
    knownHostsFiles: [...(knownHostsFile ? [knownHostsFile] : []), ...(cli.knownHostsFiles ?? [])],
    hostKeyChecking: cli.hostKeyChecking ?? 'strict',
    proxyJump:
      text('drover_proxy_jump') ??
      proxyJumpFromArgs(text('ansible_ssh_common_args') ?? cli.sshCommonArgs, text('ansible_ssh_extra_args')),
    connectTimeoutMs: timeoutSeconds !== undefined ? seconds(host, timeoutSeconds) : cli.connectTimeoutMs,
    commandTimeoutMs: cli.commandTimeoutMs,
    connectRetries: retriesText !== undefined ? retryCount(host, retriesText) : cli.connectRetries,
    become: becomeFound ? toBoolean(host, becomeFound.name, becomeFound.value) : undefined,
    becomeUser: text('ansible_become_user'),
    becomePassword: text(...BECOME_VAR_NAMES.password),
  };
  return settings;
}

/** Picks ProxyJump out of `-J hop` or `-o ProxyJump=hop` in ansible_ssh_common_args / extra_args. */
function proxyJumpFromArgs(...args: Array<string | undefined>): string | undefined {
  for (const value of args) {
    if (!value) continue;
    const match = /(?:^|\s)-J\s*(\S+)|ProxyJump[= ]\s*["']?([^\s"']+)/i.exec(value);
    if (match) return match[1] ?? match[2];
  }
  return undefined;
}

function seconds(host: string, value: string): number {
  const number = Number(value);
  if (!(number > 0))
    throw new ConnectionSettingsError(`host ${host}: ansible_timeout "${value}" must be a positive number of seconds`);
  return number * 1000;
}

function retryCount(host: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new ConnectionSettingsError(
      `host ${host}: drover_connect_retries "${value}" must be a whole number of 0 or more`,
    );
  }
  return number;
}

/** Ansible's spellings of a boolean in a variable: the program's one table (bool-words.ts). */
export { parseBoolWord };

function toBoolean(host: string, name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const parsed = parseBoolWord(String(value));
  if (parsed === undefined)
    throw new ConnectionSettingsError(`host ${host}: ${name} must be true or false, got ${JSON.stringify(value)}`);
  return parsed;
}
