import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { labStatus, type LabStatus } from '../../src/lab/index.js';
import type { RunReport } from '../../src/report/run-report.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { runOnLabHostOk } from '../helpers/lab.js';
import { runProcess } from '../helpers/run-process.js';

/** Helpers for the end-to-end tests of the reference deployment (inventory/, playbooks/site.yml). */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const INVENTORY = `${ROOT}inventory`;
export const SITE = `${ROOT}playbooks/site.yml`;
export const VAULT_PASSWORD_FILE = `${ROOT}demo-vault-password.txt`;
export const REFERENCE_HOSTS = ['backend1', 'backend2', 'backoffice', 'db1'];

export interface Timed<T> {
  result: T;
  seconds: number;
}

/** `npm run demo`, exactly as the README says, from the repository root. */
export async function runDemo(): Promise<Timed<CliResult>> {
  const started = Date.now();
  const result = await runProcess('npm', ['run', 'demo'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  return { result, seconds: (Date.now() - started) / 1000 };
}

/** drover run|check|drift of site.yml on the lab hosts of inventory/, with the demo vault password. */
export async function drover(command: 'run' | 'check' | 'drift', ...extra: string[]): Promise<Timed<CliResult>> {
  const started = Date.now();
  const result = await runCli([
    command,
    SITE,
    '-i',
    INVENTORY,
    '--lab',
    '--vault-password-file',
    VAULT_PASSWORD_FILE,
    ...extra,
  ]);
  return { result, seconds: (Date.now() - started) / 1000 };
}

export const referenceLab = (): Promise<LabStatus> => labStatus(REFERENCE_HOSTS);

/** Runs a command as root on a host of the deployment and returns its stdout. */
export const onHost = (lab: LabStatus, host: string, command: string): Promise<string> =>
  runOnLabHostOk(lab, host, command, { timeoutMs: 120_000 });

/** Hosts whose changed count is not 0, with the tasks that changed. */
export function changedTasks(report: RunReport): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [host, entry] of Object.entries(report.hosts)) {
    const tasks = entry.tasks.filter((t) => t.status === 'changed').map((t) => t.task);
    if (entry.changed !== 0 || tasks.length > 0) out[host] = tasks;
  }
  return out;
}

/** GET over HTTP from this machine: status, content type and body. */
export async function httpGet(url: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** 'open' when a TCP connection is accepted, 'closed' when refused, 'filtered' when nothing answers in time. */
export function tcpReach(address: string, port: number, timeoutMs = 3000): Promise<'open' | 'closed' | 'filtered'> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (verdict: 'open' | 'closed' | 'filtered') => {
      socket.destroy();
      resolve(verdict);
    };
    socket.setTimeout(timeoutMs, () => finish('filtered'));
    socket.once('connect', () => finish('open'));
    socket.once('error', () => finish('closed'));
    socket.connect(port, address);
  });
}

/**
 * What drift must never change on a host: files under /etc and /opt/shop (path, mode, owner, size,
 * mtime), installed packages, active units, the nftables ruleset and (on db1) role password verifiers.
 */
export function fingerprintHost(lab: LabStatus, host: string): Promise<string> {
  const pg =
    host === 'db1'
      ? '; su postgres -s /bin/sh -c "psql -XAtc \'select rolname, rolpassword from pg_authid order by 1\'"'
      : '';
  return onHost(
    lab,
    host,
    [
      // A host that has just booted may still be starting units: compare settled states only.
      'systemctl is-system-running --wait >/dev/null 2>&1 || true',
      "find /etc /opt/shop -xdev -path /etc/ld.so.cache -prune -o -printf '%p %m %u %s %T@\\n' 2>/dev/null | sort | md5sum",
      "dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' | md5sum",
      'systemctl list-units --state=active --no-legend --plain | md5sum',
      '(nft list ruleset 2>/dev/null || true) | md5sum',
    ].join('; ') + pg,
  );
}

/** Per host, the names of the tasks that ended with this status (hosts without any are left out). */
export function tasksWithStatus(report: RunReport, status: RunReport['hosts'][string]['tasks'][number]['status']) {
  const out: Record<string, string[]> = {};
  for (const [host, entry] of Object.entries(report.hosts)) {
    const tasks = entry.tasks.filter((t) => t.status === status).map((t) => t.task);
    if (tasks.length > 0) out[host] = tasks;
  }
  return out;
}

/** Per host, the unknown tasks with the earlier task each depends on (undefined when none is named). */
export function unknownTasks(report: RunReport): Record<string, Record<string, string | undefined>> {
  const out: Record<string, Record<string, string | undefined>> = {};
  for (const [host, entry] of Object.entries(report.hosts)) {
    for (const t of entry.tasks.filter((task) => task.status === 'unknown'))
      (out[host] ??= {})[t.task] = t.unknown?.dependsOn;
  }
  return out;
}

/**
 * What check mode must never change on a host, as text, one section per kind of state: every file,
 * directory and link under /etc and /opt (type, mode, owner, mtime, link target, and the sha256 of
 * each file), installed packages, each systemd unit's load/active/enabled state, the nftables
 * ruleset, crontabs, PostgreSQL roles (with password verifiers), databases and their settings (when
 * PostgreSQL answers) and RabbitMQ users (with password hashes), vhosts and permissions (when it runs).
 */
export async function hostState(lab: LabStatus, host: string): Promise<string> {
  const psql = (sql: string) => `su postgres -s /bin/sh -c "cd / && psql -XAt -c \\"${sql}\\""`;
  const script = [
    // Compare settled states only: a host that has just booted or run a playbook may still have jobs.
    'systemctl is-system-running --wait >/dev/null 2>&1 || true',
    'i=0; while [ -n "$(systemctl list-jobs --no-legend 2>/dev/null)" ] && [ $i -lt 60 ]; do sleep 0.5; i=$((i+1)); done',
    'echo "## files"',
    "find /etc /opt -xdev -path /etc/ld.so.cache -prune -o -printf '%y %m %u:%g %T@ %p -> %l\\n' 2>/dev/null | LC_ALL=C sort",
    'find /etc /opt -xdev -path /etc/ld.so.cache -prune -o -type f -print0 2>/dev/null | xargs -0 -r sha256sum | LC_ALL=C sort -k2',
    'echo "## packages"',
    "dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\\n' | LC_ALL=C sort",
    'echo "## units"',
    "systemctl list-units --all --no-legend --plain | awk '{print $1, $2, $3}' | LC_ALL=C sort",
    "systemctl list-unit-files --no-legend --plain | awk '{print $1, $2}' | LC_ALL=C sort",
    'echo "## nftables"',
    'nft list ruleset 2>&1 || true',
    'echo "## crontabs"',
    'for f in /var/spool/cron/crontabs/*; do [ -f "$f" ] && { echo "$f"; sha256sum < "$f"; }; done; true',
    'echo "## postgresql"',
    `if command -v pg_isready >/dev/null && pg_isready -q; then ${psql(
      'select rolname, rolcanlogin, rolsuper, rolpassword from pg_authid order by 1',
    )}; ${psql(
      'select datname, pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate from pg_database order by 1',
    )}; ${psql(
      "select coalesce(d.datname, '*'), coalesce(r.rolname, '*'), s.setconfig from pg_db_role_setting s left join pg_database d on d.oid = s.setdatabase left join pg_roles r on r.oid = s.setrole order by 1, 2",
    )}; else echo 'not answering'; fi`,
    'echo "## rabbitmq"',
    'if systemctl is-active --quiet rabbitmq-server 2>/dev/null; then',
    '  mq() { rabbitmqctl -q --no-table-headers "$@"; }',
    // Users with their password hashes: a password check mode set would show here.
    "  mq export_definitions - | python3 -c 'import json, sys",
    'for u in sorted(json.load(sys.stdin)["users"], key=lambda u: u["name"]): print(u["name"], u["password_hash"], u["tags"])\'',
    '  vhosts=$(mq list_vhosts | LC_ALL=C sort); echo "$vhosts"',
    '  for v in $vhosts; do echo "vhost $v"; mq list_permissions -p "$v" | LC_ALL=C sort; done',
    "else echo 'not running'; fi",
  ].join('\n');
  return onHost(lab, host, script);
}

/** The lines only in `before` (-) and only in `after` (+), for a readable failure when two states differ. */
export function stateDifference(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const inB = new Set(b);
  const inA = new Set(a);
  return [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`)];
}
