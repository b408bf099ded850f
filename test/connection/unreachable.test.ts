import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/connection/ssh.js';
import { UnreachableError } from '../../src/connection/types.js';
import { knownHostsLine, sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

let bastion: TestSshd;
let inner: TestSshd;
let doomed: TestSshd;

beforeAll(async () => {
  bastion = await startSshd({ name: 'bastion', subnet: 18 });
  // Linked only to the bastion's namespace: the controller has no route to it.
  inner = await startSshd({
    name: 'inner',
    subnet: 19,
    peerNamespace: bastion.namespace,
    clientKeyPath: bastion.clientKeyPath,
  });
  doomed = await startSshd({ name: 'doomed', subnet: 20, clientKeyPath: bastion.clientKeyPath });
});

afterAll(() => {
  inner?.stop();
  bastion?.stop();
  doomed?.stop();
});

describe('ProxyJump', () => {
  it('reaches a host only the bastion can reach, checking both host keys', async () => {
    const target = sshTarget(inner, { proxyJump: `root@${bastion.address}`, connectTimeoutMs: 3000 });
    writeFileSync(target.knownHosts, '');

    // The bastion's key is unknown: refused before anything reaches the inner host.
    const unknownBastion = new SshConnection(target.settings, target.options);
    await expect(unknownBastion.connect()).rejects.toThrow(
      new RegExp(`jump host ${bastion.address.replace(/\./g, '\\.')}: host key of .* is not known`),
    );

    writeFileSync(target.knownHosts, `${knownHostsLine(bastion)}\n${knownHostsLine(inner)}\n`);
    const jumped = new SshConnection(target.settings, target.options);
    await jumped.connect();
    const result = await jumped.exec('ip -4 -o addr show scope global');
    expect(result.stdout).toContain(inner.address);
    await jumped.close();
  });

  it('takes ProxyJump from ssh config', async () => {
    const target = sshTarget(inner);
    writeFileSync(target.knownHosts, `${knownHostsLine(bastion)}\n${knownHostsLine(inner)}\n`);
    const config = join(inner.dir, 'jump_config');
    writeFileSync(config, `Host ${inner.address}\n  ProxyJump root@${bastion.address}:22\n`);
    const connection = new SshConnection(target.settings, { ...target.options, sshConfigPath: config });
    await connection.connect();
    expect((await connection.exec('echo via config')).stdout).toBe('via config\n');
    await connection.close();
  });
});

describe('lost hosts', () => {
  it('a host killed mid-run is UNREACHABLE while another host finishes its command', async () => {
    const healthyTarget = sshTarget(bastion);
    const doomedTarget = sshTarget(doomed);
    const healthy = new SshConnection(healthyTarget.settings, healthyTarget.options);
    const victim = new SshConnection(doomedTarget.settings, doomedTarget.options);
    await Promise.all([healthy.connect(), victim.connect()]);

    const started = Date.now();
    const finishing = healthy.exec('sleep 2; echo finished');
    const dying = victim.exec('sleep 30; echo never').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    doomed.kill();

    const error = await dying;
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toContain(`lost the connection to ${doomed.namespace}`);
    // Well before the 30 s command could have ended: the lost link was noticed, not waited out.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(await finishing).toMatchObject({ code: 0, stdout: 'finished\n' });
    // Later commands fail at once with the same reason.
    await expect(victim.exec('true')).rejects.toThrow(/lost the connection/);
    await Promise.all([healthy.close(), victim.close()]);
  });

  it('a silent network partition is detected by keepalives, not waited out', async () => {
    const target = sshTarget(inner, { proxyJump: `root@${bastion.address}`, keepaliveIntervalMs: 300 });
    writeFileSync(target.knownHosts, `${knownHostsLine(bastion)}\n${knownHostsLine(inner)}\n`);
    const connection = new SshConnection(target.settings, target.options);
    await connection.connect();
    const running = connection.exec('sleep 60').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cutAt = Date.now();
    inner.cutNetwork();
    const error = await running;
    expect(error).toBeInstanceOf(UnreachableError);
    // Before the 60 s command could have ended.
    expect(Date.now() - cutAt).toBeLessThan(45_000);
    await connection.close();
  });

  it('a host that does not answer times out at connect', async () => {
    const target = sshTarget(inner, { connectTimeoutMs: 1000 });
    writeFileSync(target.knownHosts, `${knownHostsLine(bastion)}\n${knownHostsLine(inner)}\n`);
    // Its link is down (previous test): the SYN goes nowhere.
    const connection = new SshConnection({ ...target.settings, proxyJump: `root@${bastion.address}` }, target.options);
    const started = Date.now();
    await expect(connection.connect()).rejects.toThrow(/did not open a channel|cannot reach|within 1000 ms/);
    // Not the minutes an unanswered TCP connect takes without a timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
