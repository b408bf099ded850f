import { isContainerProcess } from './container.js';
import { findContainerInit, systemctlInside } from './container-systemd.js';
import { settleBoot } from './settle-boot.js';
import { probeSsh } from './ssh-probe.js';

/** States of `systemctl is-system-running` once the boot is over. */
const BOOTED = new Set(['running', 'degraded', 'maintenance']);

/**
 * Waits until the host's sshd answers. Returns undefined then, or why it will not: the container
 * exited, or systemd finished booting without sshd running (no point waiting out the timeout), or
 * the time ran out (a running sshd the network does not reach yet is waited for).
 */
export async function waitForBoot(
  host: { name: string; pid: number; address: string },
  timeoutMs: number,
  log: (line: string) => void,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let bootedAt: number | undefined;
  let sshState: string | undefined;
  let settled = false;
  while (Date.now() < deadline) {
    if (await probeSsh(host.address, 1000)) return undefined;
    if (!(await isContainerProcess(host.pid, host.name))) return 'the container exited';
    const init = await findContainerInit(host.pid);
    const state = init ? await systemctlInside(init, ['is-system-running']) : undefined;
    if (init && state && BOOTED.has(state)) {
      bootedAt ??= Date.now();
      sshState = (await systemctlInside(init, ['is-active', 'ssh.service'])) ?? 'unknown';
      // A booted system that is not running sshd will not start it; a moment's grace for a restart,
      // and one more chance when sshd itself lost the cgroup race.
      if (!['active', 'activating', 'reloading'].includes(sshState) && Date.now() - bootedAt > 3000) {
        const restarted = settled ? [] : await settleBoot(host);
        settled = true;
        for (const line of restarted) log(line);
        if (restarted.length > 0) {
          bootedAt = Date.now();
          continue;
        }
        return `systemd finished booting (${state}), but sshd is not running (ssh.service is ${sshState})`;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const seconds = Math.round(timeoutMs / 1000);
  return sshState
    ? `sshd did not answer within ${seconds} s (ssh.service is ${sshState})`
    : `sshd did not answer within ${seconds} s`;
}
