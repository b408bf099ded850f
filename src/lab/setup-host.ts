/**
 * `drover lab setup`: installs the Debian packages the demo or the tests need and this machine
 * lacks, with apt-get (after apt-get update), saying what and why. Without root or apt-get it
 * names the packages instead.
 */
import { spawnSync } from 'node:child_process';
import { LabError } from './errors.js';
import { describeNeed, packagesFor, type HostPackage, type SetupPurpose } from './host-packages.js';
import { findExecutable } from './preflight.js';

export interface SetupResult {
  missing: HostPackage[];
  /** Installed now; false when nothing was missing, or they could not be installed here. */
  installed: boolean;
  /** Why they could not be installed (not root, not Debian). */
  reason?: string;
}

/** The packages of `purpose` that dpkg does not list as installed. */
export function findMissingPackages(purpose: SetupPurpose): HostPackage[] {
  const wanted = packagesFor(purpose);
  const query = spawnSync(
    'dpkg-query',
    ['-W', '-f', '${Package} ${db:Status-Abbrev}\\n', ...wanted.map((p) => p.name)],
    {
      encoding: 'utf8',
    },
  );
  if (query.error) return wanted;
  const installed = new Set(
    query.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, status]) => status?.startsWith('ii'))
      .map(([name]) => name),
  );
  return wanted.filter((p) => !installed.has(p.name));
}

export async function setUpHost(purpose: SetupPurpose, say: (line: string) => void): Promise<SetupResult> {
  const missing = findMissingPackages(purpose);
  if (missing.length === 0) return { missing, installed: false };
  const names = missing.map((p) => p.name).join(' ');
  const reason =
    typeof process.getuid === 'function' && process.getuid() !== 0
      ? 'installing them needs root'
      : !(await findExecutable('apt-get'))
        ? 'this machine has no apt-get (drover lab setup knows Debian)'
        : undefined;
  if (reason) return { missing, installed: false, reason: `${reason}; install: ${names}` };
  say(`drover lab setup: installing what ${describeNeed(purpose)} and this machine lacks:`);
  for (const p of missing) say(`  ${p.name}: ${p.why}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (result.status !== 0)
      throw new LabError(
        `apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}); run it by hand to see why`,
      );
  };
  apt(['update', '-qq']);
  const plain = missing.filter((p) => !p.withRecommends).map((p) => p.name);
  const full = missing.filter((p) => p.withRecommends).map((p) => p.name);
  if (plain.length > 0) apt(['install', '-y', '-qq', '--no-install-recommends', ...plain]);
  if (full.length > 0) apt(['install', '-y', '-qq', ...full]);
  return { missing, installed: true };
}
