/**
 * The apt module's read-only probe: the age of the package lists, each named package's dpkg state
 * and installed version (dpkg-query), its candidate version (apt-cache policy), and what
 * `apt-get autoremove` would remove (a simulation), all in one round trip.
 */
import { quote } from '../../remote/quote.js';
import type { ProbeOutput } from '../types.js';
import { ProbeFormatError } from '../lib/probe/probe-fields.js';

/** Written by apt-get update under Debian's apt-daily, and by this module after each refresh. */
export const APT_UPDATE_STAMP = '/var/lib/apt/periodic/update-success-stamp';
const APT_LISTS = '/var/lib/apt/lists';

export interface AptPackageState {
  /** dpkg's status abbreviation, e.g. `ii` (installed), `rc` (removed, config files kept); undefined when dpkg has never seen it. */
  status?: string;
  /** Installed version, when installed. */
  installed?: string;
  /** What `apt-get install` would install now; undefined when apt does not know the package. */
  candidate?: string;
}

export interface AptState {
  /** Seconds since the lists were last refreshed; undefined when they never were (no Packages files). */
  cacheAge?: number;
  packages: Map<string, AptPackageState>;
  /** Packages `apt-get autoremove` would remove (only probed when autoremove is asked for). */
  autoremovable?: string[];
}

/** The package name without a `=version` pin or `:arch` qualifier. */
export function packageName(spec: string): string {
  return spec.split('=')[0].split(':')[0];
}

export function buildAptProbe(names: string[], options: { autoremove: boolean }): string {
  const quoted = names.map(packageName).map(quote).join(' ');
  const lines = [
    'export LC_ALL=C',
    'now=$(date +%s)',
    `if ls ${APT_LISTS}/*_Packages* >/dev/null 2>&1; then`,
    `  if [ -e ${APT_UPDATE_STAMP} ]; then t=$(stat -c %Y ${APT_UPDATE_STAMP}); else t=$(stat -c %Y ${APT_LISTS}); fi`,
    '  echo "cache_age=$((now - t))"',
    'fi',
  ];
  if (names.length > 0) {
    // Tab-separated: name, status abbreviation (e.g. "ii "), version. Unknown names only print to stderr.
    lines.push(`dpkg-query -W -f='dpkg=\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' -- ${quoted} 2>/dev/null`);
    lines.push(
      `apt-cache policy -- ${quoted} 2>/dev/null | sed -n -e 's/^\\([^ ].*\\):$/policy=\\1/p' -e 's/^  Candidate: /candidate=/p'`,
    );
  }
  if (options.autoremove) {
    lines.push(
      `apt-get -s -o Debug::NoLocking=1 autoremove 2>/dev/null | sed -n 's/^Remv \\([^ ]*\\).*/autoremove=\\1/p'`,
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseAptProbe(output: ProbeOutput): AptState {
  if (output.code !== 0)
    throw new ProbeFormatError(`apt probe failed (exit ${output.code}): ${output.stdout.slice(0, 200)}`);
  const state: AptState = { packages: new Map() };
  const entry = (name: string) => {
    const base = name.split(':')[0];
    let found = state.packages.get(base);
    if (!found) state.packages.set(base, (found = {}));
    return found;
  };
  let policyFor: string | undefined;
  for (const line of output.stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    if (key === 'cache_age') state.cacheAge = Math.max(0, Number(value));
    else if (key === 'dpkg') {
      const [name, status, version] = value.split('\t');
      const pkg = entry(name);
      pkg.status = status.trim();
      // Versions of removed packages linger in dpkg's database; only an installed one counts.
      if (isInstalledStatus(pkg.status) && version) pkg.installed = version;
    } else if (key === 'policy') policyFor = value;
    else if (key === 'candidate' && policyFor !== undefined) {
      if (value !== '(none)') entry(policyFor).candidate = value;
      policyFor = undefined;
    } else if (key === 'autoremove') (state.autoremovable ??= []).push(value);
  }
  return state;
}

/** dpkg's second status letter: i installed, t/W triggers pending (usable); u, f, h are broken installs, c config files only. */
export function isInstalledStatus(status: string | undefined): boolean {
  return status !== undefined && ['i', 't', 'W'].includes(status[1]);
}

/** "3 h", "2 days": how old the lists are, for summaries. */
export function describeAge(seconds: number | undefined): string {
  if (seconds === undefined) return 'never refreshed';
  if (seconds < 120) return `${seconds} s old`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min old`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h old`;
  return `${Math.round(seconds / 86_400)} days old`;
}
