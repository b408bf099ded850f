import type { Connection, BecomeOptions, ExecResult } from '../connection/types.js';
import type { Change } from '../modules/types.js';
import { buildPutFileScript } from '../remote/put-file.js';
import { quote } from '../remote/quote.js';

export interface ApplyOptions {
  /** The task's become settings; a change's own `user` overrides the user. */
  become?: BecomeOptions;
  timeoutMs?: number;
}

/** Executes one planned change on the host. This is the only place that changes a host. */
export async function applyChange(conn: Connection, change: Change, options: ApplyOptions = {}): Promise<ExecResult> {
  const become = change.kind === 'command' && change.user !== undefined
    ? { ...options.become, user: change.user }
    : options.become;
  if (change.kind === 'put') {
    return conn.exec(buildPutFileScript(change), { stdin: change.content, become, timeoutMs: options.timeoutMs });
  }
  const command = change.cwd === undefined ? change.command : `cd ${quote(change.cwd)} && ${change.command}`;
  return conn.exec(command, { stdin: change.stdin, become, timeoutMs: options.timeoutMs });
}
