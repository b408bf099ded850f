import { UnreachableError, type Connection } from '../connection/types.js';
import { resolveLoginVars } from './connection-vars.js';
import type { HostState } from './host-state.js';
import type { PlayContext } from './run-context.js';

/**
 * The host's connection, opened on first use and reused for the whole run. Its login variables
 * are resolved like task vars of the play that first needs the host (templates, vault values).
 */
export async function connectHost(ctx: PlayContext, host: HostState): Promise<Connection> {
  if (host.connection) return host.connection;
  const run = ctx.run;
  host.connecting ??= (async () => {
    let conn: Connection;
    try {
      // A bad connection variable (ansible_port: abc, an undefined template) is this host's problem, not the run's.
      conn = run.options.connect(host.name, resolveLoginVars(ctx, host));
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
