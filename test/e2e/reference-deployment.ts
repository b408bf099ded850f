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
