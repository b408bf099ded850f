import { spawn } from 'node:child_process';
import { mkdir, open, rm } from 'node:fs/promises';
import { LabError } from './errors.js';
import { isProcessAlive, readCommandLine, waitForExit } from './process.js';

/**
 * Boots a host with systemd-nspawn in the background: the shared base image under the host's own
 * overlay, inside its network namespace. --register=no --keep-unit because the controller's PID 1
 * may not be systemd. Returns the nspawn PID; console output goes to the log file.
 */
export async function startContainer(options: {
  name: string;
  base: string;
  upper: string;
  netns: string;
  log: string;
}): Promise<number> {
  const { name, base, upper, netns, log } = options;
  await mkdir(upper, { recursive: true });
  const out = await open(log, 'w');
  try {
    const child = spawn(
      'systemd-nspawn',
      [
        '--quiet',
        '-D',
        base,
        `--overlay=${base}:${upper}:/`,
        '--register=no',
        '--keep-unit',
        `--network-namespace-path=/run/netns/${netns}`,
        // Firewall rules (nft) need it; the host has its own network namespace, so it reaches no further.
        '--capability=CAP_NET_ADMIN',
        '--boot',
        `--machine=${name}`,
        `--hostname=${name}`,
        '--console=read-only',
        '--resolv-conf=off',
        '--timezone=off',
        '--link-journal=no',
      ],
      { detached: true, stdio: ['ignore', out.fd, out.fd] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) =>
        reject(new LabError(`could not start systemd-nspawn for ${name}: ${error.message}`, { cause: error })),
      );
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    return pid;
  } finally {
    await out.close();
  }
}

/** True when pid is still the systemd-nspawn of this host (not a reused PID). */
export async function isContainerProcess(pid: number | undefined, name: string): Promise<boolean> {
  if (!pid || !isProcessAlive(pid)) return false;
  const cmdline = await readCommandLine(pid);
  return !!cmdline && cmdline[0]?.endsWith('systemd-nspawn') === true && cmdline.includes(`--machine=${name}`);
}

/** Asks the container to power off (nspawn turns SIGTERM into a clean shutdown), then kills it if it hangs. */
export async function stopContainer(pid: number | undefined, name: string): Promise<void> {
  if (pid && (await isContainerProcess(pid, name))) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(-pid, 'SIGKILL');
      await waitForExit(pid, 5000);
    }
  }
  // nspawn's own runtime leftovers for this machine name.
  await rm(`/run/systemd/nspawn/propagate/${name}`, { recursive: true, force: true });
  await rm(`/run/systemd/nspawn/unix-export/${name}`, { recursive: true, force: true });
}
