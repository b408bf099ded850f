import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_DEADLINE_GRACE_MS } from '../../src/connection/remote-deadline.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { CommandTimeoutError, UnreachableError } from '../../src/connection/types.js';
import { createUser, generateKey, run, sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  sshd = await startSshd({ name: 'connect', subnet: 11 });
});

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  sshd?.stop();
});

async function connected(overrides: Parameters<typeof sshTarget>[1] = {}, options = {}): Promise<SshConnection> {
  const target = sshTarget(sshd, overrides);
  const connection = new SshConnection(target.settings, { ...target.options, ...options });
  await connection.connect();
  cleanups.push(() => void connection.close());
  return connection;
}

async function connectError(overrides: Parameters<typeof sshTarget>[1] = {}, options = {}): Promise<UnreachableError> {
  const target = sshTarget(sshd, overrides);
  const connection = new SshConnection(target.settings, { ...target.options, ...options });
  const error = await connection.connect().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  await connection.close();
  expect(error).toBeInstanceOf(UnreachableError);
  return error as UnreachableError;
}

describe('key authentication', () => {
  it('runs commands with their stdin, output and exit code', async () => {
    const connection = await connected();
    expect(await connection.exec('id -un')).toEqual({ code: 0, stdout: 'root\n', stderr: '' });
    expect(await connection.exec('tr a-z A-Z', { stdin: 'from stdin' })).toMatchObject({
      code: 0,
      stdout: 'FROM STDIN',
    });
    expect(await connection.exec('echo oops >&2; exit 3')).toEqual({ code: 3, stdout: '', stderr: 'oops\n' });
    expect(connection.execCount).toBe(3);
  });

  it('refuses a key the host does not authorise, naming the user and the key tried', async () => {
    const otherKey = join(sshd.dir, 'unauthorised_key');
    generateKey(otherKey);
    const error = await connectError({ privateKeyFile: otherKey });
    expect(error.message).toContain(`authentication failed for root@${sshd.address}:22`);
    expect(error.message).toContain(otherKey);
  });

  it('uses an encrypted key with the passphrase from DROVER_SSH_PASSPHRASE or the prompt', async () => {
    const key = join(sshd.dir, 'encrypted_key');
    sshd.authorize(generateKey(key, 'ed25519', 'correct horse'));

    const missing = await connectError({ privateKeyFile: key });
    expect(missing.message).toMatch(/encrypted.*DROVER_SSH_PASSPHRASE/);

    const asked: string[] = [];
    const prompted = await connected(
      { privateKeyFile: key },
      {
        promptPassphrase: async (file: string) => {
          asked.push(file);
          return 'correct horse';
        },
      },
    );
    expect((await prompted.exec('echo ok')).stdout).toBe('ok\n');
    expect(asked).toEqual([key]);

    process.env.DROVER_SSH_PASSPHRASE = 'correct horse';
    try {
      const fromEnv = await connected({ privateKeyFile: key });
      expect((await fromEnv.exec('echo ok')).stdout).toBe('ok\n');
      process.env.DROVER_SSH_PASSPHRASE = 'wrong';
      const wrong = await connectError({ privateKeyFile: key });
      expect(wrong.message).toContain(`wrong passphrase for private key ${key}`);
    } finally {
      delete process.env.DROVER_SSH_PASSPHRASE;
    }
  });
});

describe('agent and password authentication', () => {
  it('logs in with a key held by ssh-agent', async () => {
    const socket = join(sshd.dir, 'agent.sock');
    const output = run('ssh-agent', ['-s', '-a', socket]);
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(output)![1]);
    cleanups.push(() => process.kill(pid, 'SIGTERM'));
    execFileSync('ssh-add', ['-q', sshd.clientKeyPath], {
      env: { ...process.env, SSH_AUTH_SOCK: socket },
      stdio: 'ignore',
    });

    const withoutAgent = await connectError({ privateKeyFile: undefined });
    expect(withoutAgent.message).toContain('authentication failed');

    const connection = await connected({ privateKeyFile: undefined }, { agentSocket: socket });
    expect((await connection.exec('id -un')).stdout).toBe('root\n');
  });

  it('logs in with settings.password, and refuses a wrong one', async () => {
    cleanups.push(createUser('drvpass11', 'pa ss;$word'));
    const connection = await connected({ user: 'drvpass11', privateKeyFile: undefined, password: 'pa ss;$word' });
    expect((await connection.exec('id -un')).stdout).toBe('drvpass11\n');
    const error = await connectError({ user: 'drvpass11', privateKeyFile: undefined, password: 'nope' });
    expect(error.message).toContain('authentication failed for drvpass11@');
    expect(error.message).not.toContain('nope');
  });
});

describe('~/.ssh/config', () => {
  it('follows HostName, User and IdentityFile for an alias, inventory values winning', async () => {
    const target = sshTarget(sshd);
    const configPath = join(sshd.dir, 'alias_config');
    writeFileSync(
      configPath,
      [
        'Host web-alias',
        `  HostName ${sshd.address}`,
        '  User nobody-from-config',
        `  IdentityFile ${sshd.clientKeyPath}`,
        `  UserKnownHostsFile ${target.knownHosts}`,
        '',
      ].join('\n'),
    );
    const settings = { host: 'web', transport: 'ssh' as const, address: 'web-alias', connectTimeoutMs: 5000 };
    const fromConfig = new SshConnection(settings, { sshConfigPath: configPath, agentSocket: '' });
    const refused = await fromConfig.connect().catch((error: Error) => error);
    expect((refused as Error).message).toContain(`nobody-from-config@${sshd.address}:22`);

    const inventoryUser = new SshConnection(
      { ...settings, user: 'root' },
      { sshConfigPath: configPath, agentSocket: '' },
    );
    await inventoryUser.connect();
    expect((await inventoryUser.exec('id -un')).stdout).toBe('root\n');
    await inventoryUser.close();
  });
});

describe('channels', () => {
  it('runs parallel commands over one connection, at most 10 at a time', async () => {
    const connection = await connected();
    const dir = `/tmp/drover-channels-${process.pid}`;
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        connection.exec(`mkdir -p ${dir} && touch ${dir}/${i} && sleep 0.3 && ls ${dir} | wc -l && rm ${dir}/${i}`),
      ),
    );
    const established = run('ip', [
      'netns',
      'exec',
      sshd.namespace,
      'ss',
      '-Htn',
      'state',
      'established',
      '( sport = :22 )',
    ]);
    const concurrent = results.map((result) => Number(result.stdout.trim()));
    expect(results.every((result) => result.code === 0)).toBe(true);
    expect(Math.max(...concurrent)).toBeLessThanOrEqual(10);
    expect(Math.max(...concurrent)).toBeGreaterThan(1);
    expect(connection.execCount).toBe(25);
    // Every connection this file has open at that moment: this one plus those kept by earlier tests.
    expect(established.trim().split('\n').length).toBeLessThanOrEqual(cleanups.length);
    spawnSync('rm', ['-rf', dir]);
  });

  it('fails a command that outlives its timeout, kills it, and keeps the connection usable', async () => {
    const connection = await connected();
    const marker = `/tmp/drover-timeout-started-${process.pid}`;
    rmSync(marker, { force: true });
    const error = await connection
      .exec(`touch ${marker}; exec sleep 31.25`, { timeoutMs: 1500 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect((error as Error).message).toBe(`command on ${sshd.namespace} did not finish within 1500 ms`);
    // The host's own deadline (timeout + grace) ends the command even on a root login, where sshd
    // ignores signal requests: poll until it is gone (a loaded machine may take a while).
    // The command did start on the host (sshd and sh may be slow on a loaded machine).
    for (let waited = 0; !existsSync(marker) && waited < 15_000; waited += 250)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect(existsSync(marker)).toBe(true);
    rmSync(marker, { force: true });
    let running = processesRunning('sleep\u000031.25');
    for (let waited = 0; running > 0 && waited < REMOTE_DEADLINE_GRACE_MS + 15_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      running = processesRunning('sleep\u000031.25');
    }
    expect(running).toBe(0);
    expect((await connection.exec('echo still here')).stdout).toBe('still here\n');
  });

  it('applies the settings command timeout when a call gives none', async () => {
    const connection = await connected({ commandTimeoutMs: 300 });
    await expect(connection.exec('sleep 5')).rejects.toBeInstanceOf(CommandTimeoutError);
  });
});

describe('connect failures', () => {
  it('reports a refused port, after the configured retries', async () => {
    const started = Date.now();
    const error = await connectError({ port: 2201, connectRetries: 2 });
    expect(error.message).toBe(
      `cannot connect to root@${sshd.address}:2201: connection refused (is sshd running and listening on that port?)`,
    );
    // Two retries back off 500 ms then 1000 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('does not retry an authentication failure', async () => {
    const otherKey = join(sshd.dir, 'another_unauthorised_key');
    generateKey(otherKey);
    const started = Date.now();
    await connectError({ privateKeyFile: otherKey, connectRetries: 5 });
    // Retried, five back-offs would take 0.5 + 1 + 2 + 4 + 8 = 15.5 s.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

function processesRunning(cmdline: string): number {
  let count = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(cmdline)) count++;
    } catch {}
  }
  return count;
}
