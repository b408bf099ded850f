import {
  appendKnownHost,
  fingerprintSha256,
  hostFieldMatches,
  keyTypeOf,
  knownHostName,
  readKnownHosts,
  type KnownHostEntry,
} from './known-hosts.js';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

/** Host key algorithms drover offers, in preference order, when nothing is recorded for the host. */
export const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface HostKeyCheckTarget {
  /** Inventory name, for messages. */
  host: string;
  address: string;
  port: number;
  policy: HostKeyPolicy;
  /** known_hosts files in lookup order; accept-new appends to the first. */
  files: readonly string[];
}

/**
 * Checks the key a host presents against known_hosts. `verify` is handed to ssh2; when it says no,
 * `failure` explains why in words a user can act on.
 */
export class HostKeyCheck {
  failure?: string;
  private readonly name: string;
  private readonly recorded: KnownHostEntry[];
  private readonly revoked: KnownHostEntry[];

  constructor(private readonly target: HostKeyCheckTarget) {
    this.name = knownHostName(target.address, target.port);
    const entries = target.policy === 'off' ? [] : readKnownHosts(target.files);
    const matching = entries.filter((entry) => hostFieldMatches(entry.hosts, this.name));
    this.recorded = matching.filter((entry) => entry.marker === undefined);
    this.revoked = matching.filter((entry) => entry.marker === 'revoked');
  }

  /**
   * The algorithms to offer: the recorded key types first, so the host proves the key we know
   * rather than negotiating a type we have no record of.
   */
  hostKeyAlgorithms(): string[] {
    const preferred = [...new Set(this.recorded.flatMap((entry) => algorithmsForKeyType(entry.keyType)))];
    return [...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((name) => !preferred.includes(name))];
  }

  verify(key: Buffer): boolean {
    const { policy, host, address, files } = this.target;
    if (policy === 'off') return true;
    const type = keyTypeOf(key);
    const fingerprint = fingerprintSha256(key);
    const revoked = this.revoked.find((entry) => entry.key.equals(key));
    if (revoked) {
      this.failure = `host key of ${describe(host, address)} (${type} ${fingerprint}) is marked @revoked in ${revoked.file}:${revoked.line}; refusing to connect`;
      return false;
    }
    if (this.recorded.some((entry) => entry.key.equals(key))) return true;
    if (this.recorded.length > 0) {
      const known = this.recorded
        .map((entry) => `${entry.keyType} ${fingerprintSha256(entry.key)} (${entry.file}:${entry.line})`)
        .join(', ');
      this.failure =
        `HOST KEY OF ${describe(host, address)} HAS CHANGED: possible man-in-the-middle attack. ` +
        `The host presented ${type} ${fingerprint}, but known_hosts records ${known}. ` +
        `If the host was really reinstalled, check the new fingerprint out of band, remove the old entry ` +
        `(ssh-keygen -R '${this.name}' -f ${this.recorded[0].file}) and connect again.`;
      return false;
    }
    if (policy === 'accept-new' && files.length > 0) {
      appendKnownHost(files[0], this.name, key);
      return true;
    }
    const keyscanPort = this.target.port === 22 ? '' : ` -p ${this.target.port}`;
    this.failure =
      `host key of ${describe(host, address)} is not known (${type} ${fingerprint}). ` +
      `Check that fingerprint out of band, then run with --host-key-checking accept-new to record it, ` +
      `or add it yourself: ssh-keyscan -t ${type}${keyscanPort} ${address} >> ${files[0] ?? '~/.ssh/known_hosts'}`;
    return false;
  }
}

function describe(host: string, address: string): string {
  return host === address ? host : `${host} (${address})`;
}

/** RSA keys are recorded as ssh-rsa but signed with the SHA-2 algorithms. */
function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}
