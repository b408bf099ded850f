import { buildHostLockScript, HostLockReader } from '../connection/host-lock.js';
import { UnreachableError, type Connection, type HeldSession } from '../connection/types.js';
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
      if (run.options.hostLock && !run.options.check && !run.options.drift && conn.hold)
        host.lock = await takeHostLock(ctx, host.name, conn);
    } catch (error) {
      if (error instanceof UnreachableError) throw error;
      throw new UnreachableError(host.name, (error as Error).message, { cause: error });
    }
    host.connection = conn;
    return conn;
  })();
  return host.connecting;
}

/** Waits for the host lock, saying once that another run holds it. */
async function takeHostLock(ctx: PlayContext, host: string, conn: Connection): Promise<HeldSession> {
  const reader = new HostLockReader((pid, holder) =>
    ctx.run.options.events.warning?.(
      `${host}: another drover run holds this host's lock (${holder || `shell pid ${pid}`}); waiting for it to finish (--no-host-lock skips the lock)`,
    ),
  );
  try {
    return await conn.hold!(buildHostLockScript(undefined, ctx.run.lockToken), (stdout) => reader.feed(stdout));
  } catch (error) {
    throw new UnreachableError(
      host,
      `could not take the host lock on ${host}: ${(error as Error).message} (--no-host-lock skips it)`,
      { cause: error },
    );
  }
}
