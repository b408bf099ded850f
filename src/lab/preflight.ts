import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { LabError } from './errors.js';

/** Host tools the lab drives, with the Debian package that ships each. */
const REQUIRED_TOOLS: ReadonlyArray<{ tool: string; pkg: string }> = [
  { tool: 'debootstrap', pkg: 'debootstrap' },
  { tool: 'systemd-nspawn', pkg: 'systemd-container' },
  { tool: 'apt-cacher-ng', pkg: 'apt-cacher-ng' },
  { tool: 'ip', pkg: 'iproute2' },
  { tool: 'ssh-keygen', pkg: 'openssh-client' },
  { tool: 'unshare', pkg: 'util-linux' },
];

function defaultSearchDirs(): string[] {
  return [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
}

/** Finds an executable on PATH (plus the sbin dirs, which a non-login root shell may lack). */
export async function findExecutable(tool: string, dirs = defaultSearchDirs()): Promise<string | undefined> {
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, tool);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this dir
    }
  }
  return undefined;
}

export function assertRoot(action: string): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabError(
      `drover lab ${action} needs root: it creates network namespaces, a bridge and containers. Run it as root (for example with sudo).`,
    );
  }
}

/** Throws one error naming every missing tool and the apt-get command that installs them all. */
export async function assertHostTools(searchDirs = defaultSearchDirs()): Promise<void> {
  const missing: Array<{ tool: string; pkg: string }> = [];
  for (const entry of REQUIRED_TOOLS) {
    if (!(await findExecutable(entry.tool, searchDirs))) missing.push(entry);
  }
  if (missing.length === 0) return;
  const names = missing.map((m) => `${m.tool} (package ${m.pkg})`).join(', ');
  const pkgs = [...new Set(missing.map((m) => m.pkg))].join(' ');
  throw new LabError(
    `the lab needs host tools that are missing: ${names}. Install them with: apt-get install -y ${pkgs}`,
  );
}
