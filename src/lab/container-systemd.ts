import { readFile } from 'node:fs/promises';
import { runTool } from './run-tool.js';

/** The container's PID 1 (systemd): the child of its systemd-nspawn process. */
export async function findContainerInit(nspawnPid: number): Promise<number | undefined> {
  const children = await readFile(`/proc/${nspawnPid}/task/${nspawnPid}/children`, 'utf8').catch(() => '');
  const first = Number(children.trim().split(/\s+/)[0]);
  return first > 0 ? first : undefined;
}

/** Runs systemctl inside the container (its mount and PID namespaces), so no ssh is needed; its stdout, or undefined. */
export async function systemctlInside(init: number, args: string[], timeoutMs = 5000): Promise<string | undefined> {
  const result = await runTool('nsenter', ['-t', String(init), '-m', '-p', '--', 'systemctl', ...args], {
    allowFailure: true,
    timeoutMs,
  }).catch(() => undefined);
  return result?.stdout.trim() || undefined;
}
