import { createConnection, settingsFromHostVars } from '../connection/index.js';
import type { Connection } from '../connection/types.js';
import { promptSecretSync } from './prompt-secret.js';

export interface ConnectOptions {
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  knownHostsFiles?: string[];
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  user?: string;
  privateKeyFile?: string;
  /** Login password for hosts with no ansible_password (--ask-pass). */
  password?: string;
  /** Extra connection attempts after network failures, with backoff (--connect-retries). */
  connectRetries?: number;
  /** -c: the transport of hosts that set no ansible_connection. */
  connection?: string;
  /** --ssh-common-args: for hosts that set no ansible_ssh_common_args. */
  sshCommonArgs?: string;
}

/** The engine's connection factory: inventory vars + command-line options -> a Connection. */
export function createConnector(options: ConnectOptions): (host: string, vars: Record<string, unknown>) => Connection {
  // One passphrase prompt per key file, however many hosts use it.
  const passphrases = new Map<string, string>();
  const promptPassphrase = async (keyFile: string) => {
    if (!passphrases.has(keyFile)) passphrases.set(keyFile, promptSecretSync(`Passphrase for ${keyFile}: `));
    return passphrases.get(keyFile)!;
  };
  return (host, vars) => createConnection(settingsFromHostVars(host, vars, options), { promptPassphrase });
}
