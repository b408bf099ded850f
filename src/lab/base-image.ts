import { mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AptMirrors } from './apt-mirror.js';
import { runTool } from './run-tool.js';
import { pathExists } from './path-exists.js';

/** Bumped whenever the recipe below changes, so an old cached image is not reused. */
const IMAGE_NAME = 'bookworm-v1';

export const BASE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'iproute2',
  'python3',
  'sudo',
  'ca-certificates',
  'procps',
  'iputils-ping',
  'less',
];

export function baseImagePath(imagesDir: string): string {
  return join(imagesDir, IMAGE_NAME);
}

/**
 * Returns the cached base image, building it first when absent. The build goes into a temp dir
 * that is renamed into place only when complete, so an interrupted build never leaves half an image.
 */
export async function ensureBaseImage(
  imagesDir: string,
  mirrors: AptMirrors,
  log: (line: string) => void,
): Promise<string> {
  const finalPath = baseImagePath(imagesDir);
  if (await pathExists(join(finalPath, 'etc', 'drover-lab-image'))) return finalPath;
  await mkdir(imagesDir, { recursive: true });
  // Leftovers of interrupted builds (the caller holds the lab lock, so none is in progress).
  for (const name of await readdir(imagesDir)) {
    if (name.startsWith(`.${IMAGE_NAME}.tmp-`)) await rm(join(imagesDir, name), { recursive: true, force: true });
  }
  const temp = join(imagesDir, `.${IMAGE_NAME}.tmp-${process.pid}`);
  log(`building the base image (Debian bookworm from ${mirrors.debian}); this takes about a minute, once`);
  const started = Date.now();
  try {
    await runTool('debootstrap', [
      '--variant=minbase',
      `--include=${BASE_PACKAGES.join(',')}`,
      'bookworm',
      temp,
      mirrors.debian,
    ]);
    await finishBaseImage(temp);
    await rm(finalPath, { recursive: true, force: true });
    await rename(temp, finalPath);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  log(`base image ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${finalPath}`);
  return finalPath;
}

/** Strips what must differ per host (host keys, machine id, sources) and sets sshd up for key logins. */
async function finishBaseImage(root: string): Promise<void> {
  const etc = join(root, 'etc');
  for (const name of await readdir(join(etc, 'ssh'))) {
    if (name.startsWith('ssh_host_')) await rm(join(etc, 'ssh', name), { force: true });
  }
  await writeFile(join(etc, 'machine-id'), '');
  await rm(join(etc, 'apt', 'sources.list'), { force: true });
  await rm(join(root, 'var', 'lib', 'apt', 'lists'), { recursive: true, force: true });
  await mkdir(join(root, 'var', 'lib', 'apt', 'lists', 'partial'), { recursive: true });
  await runTool('sh', ['-c', 'rm -f "$1"/var/cache/apt/archives/*.deb', 'sh', root]);
  await writeFile(
    join(etc, 'ssh', 'sshd_config.d', 'drover-lab.conf'),
    'HostKey /etc/ssh/ssh_host_ed25519_key\nPermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n',
  );
  // Records runlevel changes in utmp; it races with the boot in containers and only marks the host degraded.
  await symlink('/dev/null', join(etc, 'systemd', 'system', 'systemd-update-utmp-runlevel.service')).catch(() => {});
  await writeFile(join(etc, 'drover-lab-image'), `${IMAGE_NAME}\n`);
}
