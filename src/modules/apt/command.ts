/** The apt-get command lines the apt module plans: non-interactive, waiting for the dpkg lock instead of failing. */
import { quote } from '../../remote/quote.js';
import { APT_UPDATE_STAMP } from './probe.js';

export interface AptCommandOptions {
  /** Seconds apt waits for another apt/dpkg (unattended-upgrades) to release its lock. */
  lockTimeout: number;
  /** Comma-separated dpkg options, e.g. force-confdef,force-confold. */
  dpkgOptions: string;
  /** true/false force apt's Install-Recommends; undefined keeps the host's setting. */
  installRecommends?: boolean;
  allowDowngrade?: boolean;
  autoremove?: boolean;
  purge?: boolean;
}

const ENV = 'export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a;';

function commonFlags(options: AptCommandOptions): string[] {
  const flags = ['-y', '-q', '-o', `DPkg::Lock::Timeout=${options.lockTimeout}`];
  for (const option of options.dpkgOptions
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    flags.push('-o', `Dpkg::Options::=--${option.replace(/^-+/, '')}`);
  }
  return flags;
}

/** apt-get update, then the stamp that cache_valid_time is measured from. */
export function buildRefreshCommand(options: Pick<AptCommandOptions, 'lockTimeout'>): string {
  const stampDir = APT_UPDATE_STAMP.slice(0, APT_UPDATE_STAMP.lastIndexOf('/'));
  return `apt-get update -q -o DPkg::Lock::Timeout=${options.lockTimeout} && mkdir -p ${stampDir} && touch ${APT_UPDATE_STAMP}`;
}

export function buildInstallCommand(specs: string[], options: AptCommandOptions & { refresh: boolean }): string {
  const flags = commonFlags(options);
  if (options.installRecommends === true) flags.push('--install-recommends');
  if (options.installRecommends === false) flags.push('--no-install-recommends');
  if (options.allowDowngrade) flags.push('--allow-downgrades');
  const install = `apt-get install ${flags.map(quote).join(' ')} -- ${specs.map(quote).join(' ')}`;
  const steps = [
    options.refresh ? buildRefreshCommand(options) : undefined,
    install,
    options.autoremove ? buildAutoremoveCommand(options) : undefined,
  ];
  return `${ENV} ${steps.filter(Boolean).join(' && ')}`;
}

export function buildRemoveCommand(names: string[], options: AptCommandOptions): string {
  const flags = commonFlags(options);
  if (options.autoremove) flags.push('--autoremove');
  return `${ENV} apt-get ${options.purge ? 'purge' : 'remove'} ${flags.map(quote).join(' ')} -- ${names.map(quote).join(' ')}`;
}

export function buildAutoremoveCommand(options: AptCommandOptions): string {
  const flags = commonFlags(options);
  if (options.purge) flags.push('--purge');
  return `apt-get autoremove ${flags.map(quote).join(' ')}`;
}

export function withAptEnv(command: string): string {
  return `${ENV} ${command}`;
}
