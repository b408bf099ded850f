import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createConnection, LocalConnection, SshConnection } from '../../src/connection/index.js';
import { ConnectionSettingsError, settingsFromHostVars } from '../../src/connection/host-vars.js';
import { parseProxyJump } from '../../src/connection/proxy-jump.js';
import { resolveSshSettings } from '../../src/connection/ssh-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('settingsFromHostVars', () => {
  it('maps Ansible inventory variables, inventory winning over the command line', () => {
    const settings = settingsFromHostVars(
      'web1',
      {
        ansible_host: '10.0.0.5',
        ansible_port: '2222',
        ansible_user: 'deploy',
        ansible_ssh_private_key_file: '~/.ssh/deploy',
        ansible_password: 'pw',
        ansible_become: 'yes',
        ansible_become_user: 'postgres',
        ansible_become_password: 'sudo-pw',
        drover_known_hosts_file: 'inventory/known_hosts',
      },
      {
        user: 'cli-user',
        privateKeyFile: 'cli-key',
        hostKeyChecking: 'accept-new',
        knownHostsFiles: ['extra'],
        commandTimeoutMs: 5000,
      },
    );
    expect(settings).toEqual({
      host: 'web1',
      transport: 'ssh',
      address: '10.0.0.5',
      port: 2222,
      user: 'deploy',
      privateKeyFile: '~/.ssh/deploy',
      password: 'pw',
      knownHostsFiles: ['inventory/known_hosts', 'extra'],
      hostKeyChecking: 'accept-new',
      proxyJump: undefined,
      connectTimeoutMs: undefined,
      commandTimeoutMs: 5000,
      connectRetries: undefined,
      become: true,
      becomeUser: 'postgres',
      becomePassword: 'sudo-pw',
    });
  });

  it('falls back to the command line, strict host keys and the inventory name', () => {
    const settings = settingsFromHostVars('db1', {}, { user: 'cli-user', privateKeyFile: 'cli-key' });
    expect(settings).toMatchObject({
      address: 'db1',
      port: undefined,
      user: 'cli-user',
      privateKeyFile: 'cli-key',
      hostKeyChecking: 'strict',
    });
  });

  it('keeps localhost on SSH unless ansible_connection is local', () => {
    expect(settingsFromHostVars('localhost', {}, {}).transport).toBe('ssh');
    expect(settingsFromHostVars('127.0.0.1', {}, {}).transport).toBe('ssh');
    const local = settingsFromHostVars('localhost', { ansible_connection: 'local' }, {});
    expect(local.transport).toBe('local');
    expect(createConnection(local)).toBeInstanceOf(LocalConnection);
    expect(createConnection(settingsFromHostVars('localhost', {}, {}))).toBeInstanceOf(SshConnection);
  });

  it('reads ProxyJump and timeouts written the Ansible way', () => {
    expect(
      settingsFromHostVars('a', { ansible_ssh_common_args: '-o ProxyJump=admin@bastion:2200 -o Foo=bar' }).proxyJump,
    ).toBe('admin@bastion:2200');
    expect(settingsFromHostVars('a', { ansible_ssh_common_args: '-J bastion' }).proxyJump).toBe('bastion');
    expect(settingsFromHostVars('a', { ansible_timeout: 7 }).connectTimeoutMs).toBe(7000);
  });

  it('names the host and variable when a value is wrong', () => {
    expect(() => settingsFromHostVars('web1', { ansible_port: 'ssh' })).toThrow(
      new ConnectionSettingsError('host web1: ansible_port "ssh" is not a port number (1-65535)'),
    );
    expect(() => settingsFromHostVars('web1', { ansible_connection: 'winrm' })).toThrow(
      /host web1: ansible_connection "winrm" is not supported/,
    );
    expect(() => settingsFromHostVars('web1', { ansible_become: 'maybe' })).toThrow(
      /host web1: ansible_become must be true or false/,
    );
    expect(() => settingsFromHostVars('web1', { ansible_user: ['a'] })).toThrow(
      /host web1: ansible_user must be a string/,
    );
  });
});

describe('resolveSshSettings', () => {
  const key = join(dir, 'id_config');
  writeFileSync(key, '');
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      'Host web*',
      '  HostName %h.internal',
      '  User from-config',
      '  Port 2200',
      `  IdentityFile ${key}`,
      `  IdentityFile ${join(dir, 'missing_key')}`,
      '  ProxyJump bastion',
      '  UserKnownHostsFile ~/custom_known_hosts',
      '',
    ].join('\n'),
  );

  it('applies HostName, User, Port, IdentityFile, ProxyJump and UserKnownHostsFile from ssh config', () => {
    const resolved = resolveSshSettings({ host: 'w', transport: 'ssh', address: 'web1' }, config);
    expect(resolved).toMatchObject({
      address: 'web1.internal',
      user: 'from-config',
      port: 2200,
      identityFiles: [key],
      proxyJump: 'bastion',
      knownHostsFiles: [join(homedir(), 'custom_known_hosts')],
      hostKeyChecking: 'strict',
    });
  });

  it('lets inventory values win, and puts inventory known_hosts files first', () => {
    const resolved = resolveSshSettings(
      {
        host: 'w',
        transport: 'ssh',
        address: 'web1',
        port: 22,
        user: 'deploy',
        privateKeyFile: '/k',
        proxyJump: 'none',
        knownHostsFiles: ['/inv/kh'],
      },
      config,
    );
    expect(resolved).toMatchObject({ port: 22, user: 'deploy', identityFiles: ['/k', key], proxyJump: undefined });
    expect(resolved.knownHostsFiles[0]).toBe('/inv/kh');
  });

  it('defaults to port 22, the local user and ~/.ssh/known_hosts without a config file', () => {
    const resolved = resolveSshSettings({ host: 'x', transport: 'ssh', address: 'db1' }, join(dir, 'absent'));
    expect(resolved).toMatchObject({
      address: 'db1',
      port: 22,
      user: userInfo().username,
      knownHostsFiles: [join(homedir(), '.ssh', 'known_hosts')],
    });
  });

  it('parses ProxyJump hops', () => {
    expect(parseProxyJump('admin@b1:2200,b2,ssh://c@[fe80::1]:22')).toEqual([
      { user: 'admin', address: 'b1', port: 2200 },
      { user: undefined, address: 'b2', port: undefined },
      { user: 'c', address: 'fe80::1', port: 22 },
    ]);
    expect(() => parseProxyJump('a@b@c')).toThrow(/not \[user@\]host\[:port\]/);
  });
});

describe('command-line defaults for connection variables (-c, --ssh-common-args)', () => {
  it('apply to hosts that set none; a host variable wins', () => {
    const cli = { connection: 'local', sshCommonArgs: '-o ProxyJump=admin@bastion:2222' };
    expect(settingsFromHostVars('h1', {}, cli).transport).toBe('local');
    expect(settingsFromHostVars('h1', { ansible_connection: 'ssh' }, cli).transport).toBe('ssh');
    expect(settingsFromHostVars('h1', {}, { sshCommonArgs: cli.sshCommonArgs }).proxyJump).toBe('admin@bastion:2222');
    expect(settingsFromHostVars('h1', { ansible_ssh_common_args: '-J other' }, cli).proxyJump).toBe('other');
  });
});
