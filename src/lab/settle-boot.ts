import { findContainerInit, systemctlInside } from './container-systemd.js';

/**
 * systemd exits 219 (CGROUP) for a unit it could not move into its cgroup. Early in a container's
 * boot that is a race with the cgroup's creation (seen with systemd-remount-fs under nspawn), and
 * the unit itself is fine: started again, it runs.
 */
const CGROUP_RACE_STATUS = '219';

/**
 * Waits for the host's boot to finish, then starts again the units that lost the cgroup race, so
 * a lab host comes up `running` rather than `degraded`. Returns what it did, for the log.
 */
export async function settleBoot(host: { name: string; pid: number }): Promise<string[]> {
  const init = await findContainerInit(host.pid);
  if (!init) return [];
  const state = await systemctlInside(init, ['is-system-running', '--wait'], 60_000);
  if (state !== 'degraded') return [];
  const failed = ((await systemctlInside(init, ['list-units', '--failed', '--plain', '--no-legend'])) ?? '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
  const done: string[] = [];
  for (const unit of failed) {
    if ((await systemctlInside(init, ['show', '--property=ExecMainStatus', '--value', unit])) !== CGROUP_RACE_STATUS)
      continue;
    await systemctlInside(init, ['reset-failed', unit]);
    await systemctlInside(init, ['start', unit], 30_000);
    const now = await systemctlInside(init, ['is-active', unit]);
    done.push(
      `${host.name}: ${unit} failed at boot on a cgroup race (status 219); started it again: ${now ?? 'unknown'}`,
    );
  }
  return done;
}
