import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintSha256, hostFieldMatches, parseKnownHosts } from '../../src/connection/known-hosts.js';
import { SshConnection } from '../../src/connection/ssh.js';
import type { ConnectionSettings } from '../../src/connection/types.js';
import { UnreachableError } from '../../src/connection/types.js';
import { generateKey, keyPart, knownHostsLine, run, sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;
let otherHostKey: string;

beforeAll(async () => {
  // Two host keys, so the test can record one type and check which one the host must prove.
  sshd = await startSshd({ name: 'hostkeys', subnet: 12, port: 2222, hostKeyTypes: ['ed25519', 'rsa'] });
  otherHostKey = keyPart(generateKey(join(sshd.dir, 'impostor_ed25519')));
});

afterAll(() => sshd?.stop());

/** Connects with `knownHosts` as the only known_hosts content; returns the error, if any. */
async function connectWith(
  knownHosts: string | undefined,
  settings: Partial<ConnectionSettings> = {},
): Promise<{ error?: Error; file: string }> {
  const target = sshTarget(sshd, settings);
  if (knownHosts !== undefined) writeFileSync(target.knownHosts, knownHosts);
  const connection = new SshConnection(target.settings, target.options);
  try {
    await connection.connect();
    const result = await connection.exec('echo connected');
    expect(result.stdout).toBe('connected\n');
    return { file: target.knownHosts };
  } catch (error) {
    expect(error).toBeInstanceOf(UnreachableError);
    return { error: error as Error, file: target.knownHosts };
  } finally {
    await connection.close();
  }
}

describe('host key checking over SSH', () => {
  it('connects when known_hosts records the host key under [address]:port', async () => {
    const { error } = await connectWith(`${knownHostsLine(sshd)}\n`);
    expect(error).toBeUndefined();
  });

  it('refuses an unknown host, printing its SHA256 fingerprint like ssh-keygen and how to accept it', async () => {
    const { error } = await connectWith('');
    const expected = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${sshd.hostKeyPath}.pub`]).split(' ')[1];
    expect(error?.message).toContain(`is not known (ssh-ed25519 ${expected})`);
    expect(error?.message).toContain('--host-key-checking accept-new');
    expect(error?.message).toContain(`ssh-keyscan -t ssh-ed25519 -p 2222 ${sshd.address}`);
  });

  it('refuses a changed host key loudly, with accept-new as well as strict', async () => {
    for (const hostKeyChecking of ['strict', 'accept-new'] as const) {
      const { error, file } = await connectWith(`[${sshd.address}]:2222 ${otherHostKey}\n`, { hostKeyChecking });
      expect(error?.message).toMatch(/HAS CHANGED: possible man-in-the-middle attack/);
      expect(error?.message).toContain(
        `${fingerprintSha256(Buffer.from(otherHostKey.split(' ')[1], 'base64'))} (${file}:1)`,
      );
      // The recorded key is left alone: nothing was appended.
      expect(readFileSync(file, 'utf8')).toBe(`[${sshd.address}]:2222 ${otherHostKey}\n`);
    }
  });

  it('makes the host prove the recorded key type, so a changed key cannot hide behind another type', async () => {
    const [, rsaKey] = sshd.hostPublicKeys;
    // Only the RSA key is recorded: the host must present it, although it prefers ed25519.
    expect((await connectWith(`[${sshd.address}]:2222 ${rsaKey}\n`)).error).toBeUndefined();
    // An RSA key that is not the host's: the host cannot prove it, and offering ed25519 instead is refused.
    const fakeRsa = keyPart(generateKey(join(sshd.dir, 'impostor_rsa'), 'rsa'));
    const { error } = await connectWith(`[${sshd.address}]:2222 ${fakeRsa}\n`);
    expect(error?.message).toContain('HAS CHANGED');
  });

  it('accept-new records an unknown host in the first known_hosts file, then trusts it', async () => {
    const { error, file } = await connectWith('# managed by drover tests\n', { hostKeyChecking: 'accept-new' });
    expect(error).toBeUndefined();
    const recorded = readFileSync(file, 'utf8');
    expect(recorded).toBe(`# managed by drover tests\n[${sshd.address}]:2222 ${sshd.hostPublicKey}\n`);
    expect((await connectWith(undefined, { hostKeyChecking: 'strict' })).error).toBeUndefined();
  });

  it('accepts a hashed entry written by ssh-keygen -H', async () => {
    const target = sshTarget(sshd);
    writeFileSync(target.knownHosts, `${knownHostsLine(sshd)}\n`);
    run('ssh-keygen', ['-H', '-f', target.knownHosts]);
    const hashed = readFileSync(target.knownHosts, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(hashed).not.toContain(sshd.address);
    expect((await connectWith(undefined)).error).toBeUndefined();
  });

  it('refuses a key marked @revoked', async () => {
    const { error } = await connectWith(`@revoked * ${sshd.hostPublicKey}\n${knownHostsLine(sshd)}\n`);
    expect(error?.message).toContain('is marked @revoked');
  });

  it('off skips checking entirely', async () => {
    expect(
      (await connectWith(`[${sshd.address}]:2222 ${otherHostKey}\n`, { hostKeyChecking: 'off' })).error,
    ).toBeUndefined();
  });
});

describe('known_hosts matching', () => {
  const key = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

  it('matches comma-separated names, wildcards and negations, case-insensitively', () => {
    expect(hostFieldMatches('web1,10.0.0.5', '10.0.0.5')).toBe(true);
    expect(hostFieldMatches('WEB1.example.org', 'web1.example.org')).toBe(true);
    expect(hostFieldMatches('*.example.org,!db.example.org', 'web.example.org')).toBe(true);
    expect(hostFieldMatches('*.example.org,!db.example.org', 'db.example.org')).toBe(false);
    expect(hostFieldMatches('10.0.0.?', '10.0.0.7')).toBe(true);
    expect(hostFieldMatches('10.0.0.5', '[10.0.0.5]:2222')).toBe(false);
    expect(hostFieldMatches('[10.0.0.5]:2222', '[10.0.0.5]:2222')).toBe(true);
  });

  it('parses markers and skips comments, blank and malformed lines', () => {
    const entries = parseKnownHosts(
      `# comment\n\n@revoked * ssh-ed25519 ${key}\nbroken-line\nweb1 ssh-ed25519 ${key} a comment\n`,
      'kh',
    );
    expect(entries.map((entry) => [entry.line, entry.marker, entry.hosts, entry.keyType])).toEqual([
      [3, 'revoked', '*', 'ssh-ed25519'],
      [5, undefined, 'web1', 'ssh-ed25519'],
    ]);
  });
});
