import { join } from 'node:path';

/** Where the lab keeps its base image, keys, overlays, logs and its record of what it created. */
export interface LabPaths {
  stateDir: string;
  imagesDir: string;
  hostsDir: string;
  stateFile: string;
  lockFile: string;
  key: string;
  knownHosts: string;
  hostsFile: string;
  aptCacheDir: string;
}

/** The state dir: env DROVER_LAB_DIR, or /var/lib/drover-lab. Read on every call so tests can point elsewhere. */
export function resolveLabPaths(): LabPaths {
  const stateDir = process.env.DROVER_LAB_DIR || '/var/lib/drover-lab';
  return {
    stateDir,
    imagesDir: join(stateDir, 'images'),
    hostsDir: join(stateDir, 'hosts'),
    stateFile: join(stateDir, 'state.json'),
    lockFile: join(stateDir, 'lock'),
    key: join(stateDir, 'ssh', 'id_ed25519'),
    knownHosts: join(stateDir, 'ssh', 'known_hosts'),
    hostsFile: join(stateDir, 'hosts.txt'),
    aptCacheDir: join(stateDir, 'apt-cacher-ng'),
  };
}

/** Files that belong to one lab host. */
export function hostPaths(paths: LabPaths, host: string) {
  const dir = join(paths.hostsDir, host);
  return {
    dir,
    upper: join(dir, 'upper'),
    root: join(dir, 'root'),
    log: join(dir, 'nspawn.log'),
    /** Written once the overlay holds the host's keys and files; a restart then keeps the overlay. */
    prepared: join(dir, 'prepared'),
  };
}
