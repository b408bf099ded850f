/** Reads `supervisorctl status NAME:*` (read-only) and parses its answer. */
import { quote } from '../../remote/quote.js';
import { emitBase64, parseProbeFields, readBase64Field } from '../lib/probe/probe-fields.js';

export interface SupervisorStatus {
  installed: boolean;
  /** supervisord answered. */
  daemonUp: boolean;
  /** supervisord has the program's group loaded. */
  loaded: boolean;
  processes: Array<{ name: string; state: string }>;
  /** supervisorctl's answer, for error messages. */
  output: string;
}

const PROCESS_STATES = new Set(['STOPPED', 'STARTING', 'RUNNING', 'BACKOFF', 'STOPPING', 'EXITED', 'FATAL', 'UNKNOWN']);

/** The states in which a process counts as started (as supervisorctl start leaves it). */
const STARTED = new Set(['RUNNING', 'STARTING']);
const ACTIVE = new Set(['RUNNING', 'STARTING', 'BACKOFF']);

export function buildStatusProbe(name: string): string {
  return [
    'if ! command -v supervisorctl >/dev/null 2>&1; then echo installed=no; exit 0; fi',
    'echo installed=yes',
    `status() { out=$(supervisorctl status ${quote(`${name}:*`)} 2>&1); code=$?; }`,
    'status',
    // A supervisord that has just been started (by the task before, in the same exec) makes its
    // socket a moment later: while its process runs and the socket is not there yet, wait up to 10 s.
    'n=0',
    'while [ $n -lt 50 ] && printf %s "$out" | grep -qiE "no such file|refused" && { pgrep -x supervisord || pidof supervisord; } >/dev/null 2>&1; do',
    '  sleep 0.2 2>/dev/null || sleep 1; n=$((n + 1)); status',
    'done',
    'echo "code=$code"',
    emitBase64('out64', 'printf %s "$out"'),
  ].join('\n');
}

export function parseStatusProbe(stdout: string): SupervisorStatus {
  const fields = parseProbeFields(stdout);
  if (fields.get('installed') !== 'yes')
    return { installed: false, daemonUp: false, loaded: false, processes: [], output: '' };
  const output = readBase64Field(fields, 'out64')?.toString('utf8') ?? '';
  const processes: SupervisorStatus['processes'] = [];
  for (const line of output.split('\n')) {
    const match = /^(\S+)\s+([A-Z]+)(\s|$)/.exec(line);
    if (match && PROCESS_STATES.has(match[2])) processes.push({ name: match[1], state: match[2] });
  }
  if (processes.length > 0) return { installed: true, daemonUp: true, loaded: true, processes, output };
  const daemonUp = /no such (group|process)/i.test(output);
  return { installed: true, daemonUp, loaded: false, processes, output };
}

export function allStarted(status: SupervisorStatus): boolean {
  return status.processes.length > 0 && status.processes.every((p) => STARTED.has(p.state));
}

export function anyActive(status: SupervisorStatus): boolean {
  return status.processes.some((p) => ACTIVE.has(p.state));
}

/** "web_00 RUNNING, web_01 STOPPED" for from/to. */
export function describeProcesses(status: SupervisorStatus): string {
  if (!status.loaded) return 'not loaded';
  return status.processes.map((p) => `${p.name.split(':').pop()} ${p.state}`).join(', ');
}
