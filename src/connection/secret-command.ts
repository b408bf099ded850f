/**
 * Keeps secrets off remote command lines, where any user of the host sees them in `ps`. A command
 * line holding a registered secret is not sent as the exec line: one exec first writes it through
 * stdin into a 0600 temp file, a second runs that file with `sh`, so the command keeps its own
 * stdin, exit code, output and become user. The file removes itself as soon as sh has opened it.
 */
import { quote } from '../remote/quote.js';
import { containsSecret } from '../secrets/mask.js';
import type { ExecOptions, ExecResult } from './types.js';

/** Runs one command line as the transport builds it (become, deadline), without this guard. */
export type ExecLine = (command: string, options: ExecOptions) => Promise<ExecResult>;

/** The temp file for a command holding a secret could not be written, so the command did not run. */
export class SecretStagingError extends Error {
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

/** The file's first words remove it: on Linux sh keeps reading the open file, whatever happens next. */
function selfRemovingScript(command: string): string {
  return `rm -f -- "$0"; ${command}`;
}

export async function execKeepingSecretsOffCommandLine(host: string, command: string, options: ExecOptions, execLine: ExecLine): Promise<ExecResult> {
  if (!containsSecret(command)) return execLine(command, options);
  // Staged as the become user, so that user can read the 0600 file.
  const staged = await execLine(STAGE_SCRIPT, { stdin: selfRemovingScript(command), become: options.become, timeoutMs: options.timeoutMs });
  const path = staged.stdout.trim();
  if (staged.code !== 0 || !path.startsWith('/') || path.includes('\n')) {
    throw new SecretStagingError(host, `could not write a command to a temp file on ${host} (exit ${staged.code}): ${staged.stderr.trim() || 'mktemp printed no path'}`);
  }
  try {
    return await execLine(`/bin/sh ${quote(path)}`, options);
  } catch (error) {
    // sh may never have started (a timeout, a lost link): remove the file if the host still answers.
    await execLine(`rm -f -- ${quote(path)}`, { become: options.become }).catch(() => undefined);
    throw error;
  }
}
