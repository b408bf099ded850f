import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { HostKeyCheck } from './host-key-check.js';
import { buildAuthAttempts, type AuthAttempt, type AuthSources } from './ssh-auth.js';
import type { ResolvedSshSettings } from './ssh-settings.js';
import { UnreachableError } from './types.js';

export type SshClient = ssh2.Client;

/** Key exchange offered first; ssh2 falls back to the rest of its defaults. */
export const PREFERRED_KEX = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
];

/** A link that could not be opened; `retryable` is true for network failures, false for auth and host keys. */
export class SshLinkError extends UnreachableError {
  constructor(
    host: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(host, message, options);
  }
}

/**
 * Opens one authenticated SSH link, over TCP or over `sock` (a channel forwarded by a jump host).
 * The host key is checked before any credential is sent.
 */
export async function openLink(settings: ResolvedSshSettings, sources: AuthSources, sock?: Duplex): Promise<SshClient> {
  const attempts = await buildAuthAttempts(settings, sources);
  const check = new HostKeyCheck({
    host: settings.host,
    address: settings.address,
    port: settings.port,
    policy: settings.hostKeyChecking,
    files: settings.knownHostsFiles,
  });
  const client = new ssh2.Client();
  const tried: string[] = [];
  return new Promise<SshClient>((resolve, reject) => {
    client.on('connect', () => client.setNoDelay(true));
    const onLoginError = (error: Error & { level?: string; code?: string }) => {
      client.end();
      reject(describeFailure(settings, error, check.failure, tried));
    };
    client.once('ready', () => {
      client.off('error', onLoginError);
      // Until the connection watches the link, a late error must not become an uncaught exception.
      client.on('error', () => {});
      resolve(client);
    });
    client.on('error', onLoginError);
    client.on('close', () =>
      reject(new SshLinkError(settings.host, `${where(settings)} closed the connection during login`, true)),
    );
    const pending = [...attempts];
    client.connect({
      host: settings.address,
      port: settings.port,
      username: settings.user,
      sock: sock as never,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      algorithms: { kex: PREFERRED_KEX as never, serverHostKey: check.hostKeyAlgorithms() as never },
      hostVerifier: (key: Buffer) => check.verify(key),
      authHandler: (methodsLeft: string[] | null, _partial: boolean | null, next: (auth: unknown) => void) => {
        // Skip methods the server has said it does not accept, so MaxAuthTries is not wasted.
        let attempt: AuthAttempt | undefined;
        while ((attempt = pending.shift())) {
          if (!methodsLeft || methodsLeft.includes(attempt.type === 'agent' ? 'publickey' : attempt.type)) break;
        }
        if (!attempt) return next(false);
        tried.push(attempt.label);
        const { label: _label, ...auth } = attempt;
        next(auth);
      },
    } as ssh2.ConnectConfig);
  });
}

function where(settings: ResolvedSshSettings): string {
  return `${settings.user}@${settings.address}:${settings.port}`;
}

function describeFailure(
  settings: ResolvedSshSettings,
  error: Error & { level?: string; code?: string },
  hostKeyFailure: string | undefined,
  tried: string[],
): SshLinkError {
  const host = settings.host;
  if (hostKeyFailure) return new SshLinkError(host, hostKeyFailure, false, { cause: error });
  if (error.level === 'client-authentication') {
    const methods = tried.length > 0 ? tried.join(', ') : 'no key, agent or password was available';
    return new SshLinkError(
      host,
      `authentication failed for ${where(settings)} (tried: ${methods}); check ansible_user and ansible_ssh_private_key_file, ` +
        `that the public key is in the user's authorized_keys, or set ansible_password`,
      false,
      { cause: error },
    );
  }
  if (error.level === 'client-timeout') {
    return new SshLinkError(
      host,
      `no SSH login at ${where(settings)} within ${settings.connectTimeoutMs} ms (connect timeout)`,
      true,
      { cause: error },
    );
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is sshd running and listening on that port?)',
    EHOSTUNREACH: 'no route to host',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'TCP connect timed out',
    ECONNRESET: 'connection reset by the host',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve (DNS failure)',
  };
  const reason = (error.code && reasons[error.code]) ?? error.message;
  return new SshLinkError(host, `cannot connect to ${where(settings)}: ${reason}`, error.level !== 'protocol', {
    cause: error,
  });
}
