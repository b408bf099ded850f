import { UnreachableError, type Connection } from '../connection/types.js';
import type { HostState } from './host-state.js';
import type { RunContext } from './run-context.js';

/** The host's connection, opened on first use and reused for the whole run. */
export async function connectHost(run: RunContext, host: HostState): Promise<Connection> {
  if (host.connection) return host.connection;
  host.connecting ??= (async () => {
    let conn: Connection;
    try {
      // A bad connection variable (ansible_port: abc) is this host's problem, not the run's.
      conn = run.options.connect(host.name, host.inventoryVars);
      await conn.connect();
    } catch (error) {
      if (error instanceof UnreachableError) throw error;
      throw new UnreachableError(host.name, (error as Error).message, { cause: error });
    }
    host.connection = conn;
    return conn;
  })();
  return host.connecting;
}
