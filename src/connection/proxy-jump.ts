import type { Duplex } from 'node:stream';
import { resolveSshSettings, type ResolvedSshSettings } from './ssh-settings.js';
import type { SshClient } from './ssh-link.js';
import { UnreachableError } from './types.js';
import { DroverError } from '../errors.js';

export interface JumpHost {
  user?: string;
  address: string;
  port?: number;
}

export class ProxyJumpError extends DroverError {
  override name = 'ProxyJumpError';
}

/** Parses OpenSSH's ProxyJump value: `[user@]host[:port]` hops separated by commas, also `ssh://` URLs. */
export function parseProxyJump(spec: string): JumpHost[] {
  return spec.split(',').map((raw) => {
    const hop = raw.trim().replace(/^ssh:\/\//, '');
    const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(hop);
    if (!match) throw new ProxyJumpError(`ProxyJump hop "${raw}" is not [user@]host[:port]`);
    const port = match[3] === undefined ? undefined : Number(match[3]);
    if (port !== undefined && (port < 1 || port > 65535))
      throw new ProxyJumpError(`ProxyJump hop "${raw}" has an invalid port`);
    return { user: match[1], address: match[2].replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * Settings for each hop: its own ~/.ssh/config entry applies; the target's key file, known_hosts
 * files and host-key policy are shared, so a bastion's key is checked like any host's.
 */
export function resolveJumpHosts(
  target: ResolvedSshSettings,
  spec: string,
  privateKeyFile: string | undefined,
  sshConfigPath?: string,
): ResolvedSshSettings[] {
  return parseProxyJump(spec).map((hop) => {
    const resolved = resolveSshSettings(
      {
        host: hop.address,
        transport: 'ssh',
        address: hop.address,
        port: hop.port,
        user: hop.user,
        privateKeyFile,
        hostKeyChecking: target.hostKeyChecking,
        connectTimeoutMs: target.connectTimeoutMs,
        keepaliveIntervalMs: target.keepaliveIntervalMs,
      },
      sshConfigPath,
    );
    // Explicit known_hosts files of the target come first; the hop's own defaults follow.
    resolved.knownHostsFiles = [...new Set([...target.knownHostsFiles, ...resolved.knownHostsFiles])];
    // A jump host's own ProxyJump is not followed: the chain is the one written here.
    resolved.proxyJump = undefined;
    return resolved;
  });
}

/** Opens a TCP channel from `via` to address:port, with a deadline so a stuck bastion cannot hang the run. */
export function forwardThrough(via: SshClient, viaName: string, target: ResolvedSshSettings): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new UnreachableError(
            target.host,
            `jump host ${viaName} did not open a channel to ${target.address}:${target.port} within ${target.connectTimeoutMs} ms`,
          ),
        ),
      target.connectTimeoutMs,
    );
    via.forwardOut('127.0.0.1', 0, target.address, target.port, (error, stream) => {
      clearTimeout(timer);
      if (error) {
        reject(
          new UnreachableError(
            target.host,
            `jump host ${viaName} cannot reach ${target.address}:${target.port}: ${error.message}`,
            { cause: error },
          ),
        );
        return;
      }
      resolve(stream);
    });
  });
}
