/**
 * The Debian packages the lab (`npm run demo`) and the test suite (`npm test`) need on this
 * machine, and what each is for: `drover lab setup` installs the missing ones.
 */
export interface HostPackage {
  name: string;
  why: string;
  /** Installed with its recommended packages (a browser needs its fonts). */
  withRecommends?: boolean;
}

const LAB: HostPackage[] = [
  { name: 'debootstrap', why: 'builds the Debian image of lab hosts' },
  { name: 'systemd-container', why: 'runs lab hosts (systemd-nspawn)' },
  { name: 'apt-cacher-ng', why: 'caches Debian packages for lab hosts' },
  { name: 'iproute2', why: 'makes the lab bridge and network namespaces' },
  { name: 'openssh-client', why: 'makes SSH keys and reaches hosts' },
  { name: 'util-linux', why: 'unshare and nsenter for namespaces' },
  { name: 'ca-certificates', why: 'HTTPS for the Debian mirror' },
];

const TESTS: HostPackage[] = [
  ...LAB,
  { name: 'openssh-server', why: 'the bare sshd of connection tests' },
  { name: 'sudo', why: 'become tests' },
  { name: 'cron', why: 'crontab for the cron module tests' },
  { name: 'netcat-openbsd', why: 'wait_for tests' },
  { name: 'ansible', why: 'ansible-playbook, the reference the compatibility tests compare with' },
  { name: 'chromium', why: 'the drift HTML report test (headless)', withRecommends: true },
];

export type SetupPurpose = 'demo' | 'tests';

/** "the demo needs", "the tests need". */
export function describeNeed(purpose: SetupPurpose): string {
  return purpose === 'demo' ? 'the demo needs' : 'the tests need';
}

export function packagesFor(purpose: SetupPurpose): HostPackage[] {
  return purpose === 'demo' ? LAB : TESTS;
}
