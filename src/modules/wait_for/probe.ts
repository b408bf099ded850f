/**
 * The wait_for probe: a read-only POSIX sh loop that polls a TCP port or a path until the wanted
 * condition holds or the timeout passes, then prints `result=ok|timeout|unsupported` and `elapsed=S`.
 */
import { quote } from '../../remote/quote.js';

export interface WaitCondition {
  kind: 'port' | 'path' | 'sleep';
  /** started/present: wait until open/there; stopped/absent: until closed/gone. */
  want: 'up' | 'down';
  host: string;
  port?: number;
  path?: string;
  searchRegex?: string;
  timeout: number;
  delay: number;
  sleep: number;
  connectTimeout: number;
}

export interface WaitState {
  result: 'ok' | 'timeout' | 'unsupported' | 'unknown';
  elapsed: number;
  /** How the port was tested: bash (/dev/tcp), nc, or proc (/proc/net/tcp listeners). */
  method?: string;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host) || host.startsWith('127.');
}

/** Shell functions testing a port: bash's /dev/tcp when bash is there, else nc, else (local only) /proc/net/tcp. */
function portFunctions(c: WaitCondition): string[] {
  const host = quote(c.host);
  const port = quote(c.port!);
  const ct = quote(c.connectTimeout);
  const hex = c.port!.toString(16).toUpperCase().padStart(4, '0');
  const read = c.searchRegex !== undefined;
  const lines = [
    'if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then w_method=bash',
    'elif command -v nc >/dev/null 2>&1; then w_method=nc',
    `else w_method=${isLocalHost(c.host) && !read ? 'proc' : 'none'}; fi`,
    'echo "method=$w_method"',
    `w_listening() { cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" && substr($2, length($2) - 4) == ":${hex}" { f = 1 } END { exit !f }'; }`,
  ];
  if (read) {
    // Reads what the server sends within connect_timeout and searches it (an SSH banner, a greeting).
    lines.push(
      'w_up() {',
      `  case $w_method in`,
      `    bash) timeout ${ct} bash -c 'exec 3<>"/dev/tcp/$1/$2" && head -c 65536 <&3' w_for ${host} ${port} 2>/dev/null | grep -q $w_re -f "$w_pf" ;;`,
      `    nc) timeout ${ct} nc -w ${ct} ${host} ${port} </dev/null 2>/dev/null | head -c 65536 | grep -q $w_re -f "$w_pf" ;;`,
      '    *) return 2 ;;',
      '  esac',
      '}',
    );
  } else {
    lines.push(
      'w_up() {',
      `  case $w_method in`,
      `    bash) timeout ${ct} bash -c 'exec 3<>"/dev/tcp/$1/$2"' w_for ${host} ${port} 2>/dev/null ;;`,
      `    nc) nc -z -w ${ct} ${host} ${port} </dev/null >/dev/null 2>&1 ;;`,
      '    proc) w_listening ;;',
      '    *) return 2 ;;',
      '  esac',
      '}',
    );
  }
  return lines;
}

function pathFunctions(c: WaitCondition): string[] {
  const path = quote(c.path!);
  if (c.searchRegex === undefined || c.want === 'down') return [`w_up() { [ -e ${path} ]; }`];
  return [`w_up() { [ -e ${path} ] && grep -q $w_re -f "$w_pf" -- ${path} 2>/dev/null; }`];
}

export function buildWaitProbe(c: WaitCondition): string {
  const lines = ['w_start=$(date +%s)'];
  if (c.kind === 'sleep') {
    lines.push(`sleep ${quote(c.delay + c.timeout)}`, 'echo result=ok', 'echo "elapsed=$(( $(date +%s) - w_start ))"');
    return lines.join('\n');
  }
  // grep -P reads Python-style expressions (\d, (?i)) as Ansible does; -E where grep lacks PCRE.
  lines.push(`if printf 'x\\n' | grep -qP 'x' 2>/dev/null; then w_re=-P; else w_re=-E; fi`);
  if (c.searchRegex !== undefined) {
    // The pattern reaches grep in a file written by the shell's own printf, never on a command
    // line, where any user of the host would see it in ps (it may be a secret).
    lines.push(
      'w_pf=$(mktemp "${TMPDIR:-/tmp}/drover-re.XXXXXX") || exit 3',
      `trap 'rm -f "$w_pf"' EXIT`,
      `printf '%s\\n' ${quote(c.searchRegex)} > "$w_pf"`,
    );
  }
  lines.push(...(c.kind === 'port' ? portFunctions(c) : pathFunctions(c)));
  if (c.delay > 0) lines.push(`sleep ${quote(c.delay)}`);
  lines.push(
    'while :; do',
    '  w_up; w_rc=$?',
    '  if [ "$w_rc" -eq 2 ] && [ "${w_method:-}" = none ]; then echo result=unsupported; break; fi',
    `  if ${c.want === 'up' ? '[ "$w_rc" -eq 0 ]' : '[ "$w_rc" -ne 0 ]'}; then echo result=ok; break; fi`,
    `  if [ $(( $(date +%s) - w_start )) -ge ${Math.ceil(c.timeout)} ]; then echo result=timeout; break; fi`,
    `  sleep ${quote(c.sleep)}`,
    'done',
    'echo "elapsed=$(( $(date +%s) - w_start ))"',
  );
  return lines.join('\n');
}

export function parseWaitProbe(stdout: string): WaitState {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  const result = fields.get('result');
  return {
    result: result === 'ok' || result === 'timeout' || result === 'unsupported' ? result : 'unknown',
    elapsed: Number(fields.get('elapsed') ?? '0'),
    method: fields.get('method'),
  };
}
