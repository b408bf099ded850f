/** What command and shell share: the creates/removes probe and the guarded plan. */
import { quote } from '../../../remote/quote.js';
import type { CommandChange, Plan, ProbeOutput } from '../../types.js';
import { probeGlobExists } from '../probe/path-guards.js';
import { parseProbeFields } from '../probe/probe-fields.js';

export interface GuardArgs {
  chdir?: string;
  creates?: string;
  removes?: string;
}

export interface GuardState {
  /** Something matches `creates`. */
  created?: boolean;
  /** Something matches `removes`. */
  removable?: boolean;
}

/** Probe for the guards (relative patterns are read from chdir, as the command would see them). */
export function buildGuardProbe(args: GuardArgs): string | undefined {
  if (args.creates === undefined && args.removes === undefined) return undefined;
  const lines: string[] = [];
  if (args.chdir !== undefined) lines.push(`cd ${quote(args.chdir)} 2>/dev/null || true`);
  if (args.creates !== undefined) lines.push(probeGlobExists('created', args.creates));
  if (args.removes !== undefined) lines.push(probeGlobExists('removable', args.removes));
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseGuards(output: ProbeOutput): GuardState {
  const fields = parseProbeFields(output.stdout);
  const state: GuardState = {};
  if (fields.has('created')) state.created = fields.get('created') === '1';
  if (fields.has('removable')) state.removable = fields.get('removable') === '1';
  return state;
}

/** Does not run when a guard already holds; without guards the run cannot be verified beforehand. */
export function planGuardedCommand(
  args: GuardArgs,
  guards: GuardState | undefined,
  change: CommandChange,
  result: Record<string, unknown>,
): Plan {
  if (args.creates !== undefined && guards?.created) return notRun(result, `${args.creates} exists`);
  if (args.removes !== undefined && guards?.removable === false)
    return notRun(result, `${args.removes} does not exist`);
  const guarded = args.creates !== undefined || args.removes !== undefined;
  return { changes: [change], result, ...(guarded ? {} : { unverifiable: true }) };
}

/**
 * A guard holds, so the command does not run: the task is ok (not skipped), and registers what
 * Ansible's command module returns then: rc 0 and "skipped, since ... exists" as stdout.
 */
function notRun(result: Record<string, unknown>, why: string): Plan {
  const stdout = `skipped, since ${why}`;
  return {
    changes: [],
    result: { ...result, rc: 0, stdout, stderr: '', stdout_lines: [stdout], stderr_lines: [] },
  };
}

/** One line for a command's change summary. */
export function summarizeCommand(text: string): string {
  const line = text.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
