import { createConnection, settingsFromHostVars } from '../connection/index.js';
import type { Connection } from '../connection/types.js';

export interface ConnectOptions {
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  knownHostsFiles?: string[];
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  user?: string;
  privateKeyFile?: string;
}

/** The engine's connection factory: inventory vars + command-line options -> a Connection. */
export function createConnector(options: ConnectOptions): (host: string, vars: Record<string, unknown>) => Connection {
  return (host, vars) => createConnection(settingsFromHostVars(host, vars, options));
}
