/**
 * Decides how a command reaches the host. Most go as the exec line. Two kinds may not:
 * - A line holding a registered secret, which any user of the host would see in `ps`. One exec
 *   first writes it through stdin into a 0600 temp file, a second runs that file with `sh`, so the
 *   command keeps its own stdin, exit code, output and become user. The file removes itself as
 *   soon as sh has opened it.
 * - A line too long for the host (the kernel refuses an argument over 128 KiB with "Argument list
 *   too long", and sshd drops a request over its 256 KiB packet limit). Without stdin of its own it
 *   goes to `sh -s` on stdin in the same one exec; with stdin it is staged in a temp file as above.
 */
import { quote } from '../remote/quote.js';
import { containsSecret } from '../secrets/mask.js';
import type { ExecOptions, ExecResult } from './types.js';
import { DroverError } from '../errors.js';

/**
 * The longest exec line sent as is, after the transport wraps it (become, deadline): half the
 * kernel's limit for one argument, so quoting by a login shell or sudo cannot push it over.
 */
export const MAX_EXEC_LINE_BYTES = 64 * 1024;

/** Runs one command line as the transport builds it (become, deadline), without this guard. */
export type ExecLine = (command: string, options: ExecOptions) => Promise<ExecResult>;

/** How the transport sends a command: the bytes of the line it would build, and the sending. */
export interface LineTransport {
  host: string;
  /** The length in bytes of the exec line the transport builds for this command. */
  lineBytes(command: string, options: ExecOptions): number;
  execLine: ExecLine;
}

/** The temp file for a command holding a secret could not be written, so the command did not run. */
export class SecretStagingError extends DroverError {
  override name = 'SecretStagingError';
  constructor(
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Writes stdin to a new private temp file and prints its path. */
const STAGE_SCRIPT = [
  'umask 077',
  'f=$(mktemp "${TMPDIR:-/tmp}/drover-cmd.XXXXXXXX") || exit 1',
  `cat > "$f" || { rm -f "$f"; exit 1; }`,
  `printf '%s\\n' "$f"`,
].join('\n');

/** Reads the script from stdin; see scriptOnStdin. */
export const READ_SCRIPT_FROM_STDIN = '/bin/sh -s';

/** The file's first words remove it: on Linux sh keeps reading the open file, whatever happens next. */
function selfRemovingScript(command: string): string {
  return `rm -f -- "$0"; ${command}`;
}

/**
 * The command as one brace group with stdin from /dev/null: sh parses the whole group before it
 * runs any of it, so no command in it can read the rest of the script as its input.
 */
export function scriptOnStdin(command: string): string {
  return `{\n${command}\n} </dev/null\n`;
}

export async function execKeepingOffCommandLine(
  transport: LineTransport,
  command: string,
  options: ExecOptions,
): Promise<ExecResult> {
  const secret = containsSecret(command);
  const long = !secret && transport.lineBytes(command, options) > MAX_EXEC_LINE_BYTES;
  if (!secret && !long) return transport.execLine(command, options);
  if (long && options.stdin === undefined)
    return transport.execLine(READ_SCRIPT_FROM_STDIN, { ...options, stdin: scriptOnStdin(command) });
  return execStaged(transport, command, options);
}

async function execStaged(transport: LineTransport, command: string, options: ExecOptions): Promise<ExecResult> {
  const { host, execLine } = transport;
  // Staged as the become user, so that user can read the 0600 file.
  const staged = await execLine(STAGE_SCRIPT, {
    stdin: selfRemovingScript(command),
    become: options.become,
    timeoutMs: options.timeoutMs,
  });
  const path = staged.stdout.trim();
  if (staged.code !== 0 || !path.startsWith('/') || path.includes('\n')) {
    throw new SecretStagingError(
      host,
      `could not write a command to a temp file on ${host} (exit ${staged.code}): ${staged.stderr.trim() || 'mktemp printed no path'}`,
    );
  }
  try {
    return await execLine(`/bin/sh ${quote(path)}`, options);
  } catch (error) {
    // sh may never have started (a timeout, a lost link): remove the file if the host still answers.
    await execLine(`rm -f -- ${quote(path)}`, { become: options.become }).catch(() => undefined);
    throw error;
  }
}
