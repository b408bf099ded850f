import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { parseArgs, runModule } from '../helpers/run-module-task.js';
import { buildWaitProbe, parseWaitProbe } from '../../src/modules/wait_for/probe.js';
import { module as waitFor, waitCondition } from '../../src/modules/wait_for.js';
import { registerSecret } from '../../src/secrets/mask.js';
import { whileSampling } from '../helpers/command-lines.js';
import { planWith } from './helpers.js';

const conn = new LocalConnection('local');
const dir = mkdtempSync(join(tmpdir(), "drover wait's $x-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function listen(port = 0): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      // Probes hang up without reading: a reset is expected.
      socket.on('error', () => {});
      socket.end('SSH-2.0-OpenSSH_9.2p1 Debian\r\n');
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on: bound, then released. */
async function freePort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function wait(args: Record<string, unknown>) {
  const started = Date.now();
  const result = await runModule(conn, waitFor, args, { check: false });
  return { plan: result.plan, seconds: (Date.now() - started) / 1000, executed: result.executed };
}

describe('wait_for plans', () => {
  it("parses the probe answer and fails with Ansible's messages on timeout", () => {
    expect(parseWaitProbe('method=bash\nresult=ok\nelapsed=3\n')).toEqual({ result: 'ok', elapsed: 3, method: 'bash' });
    expect(planWith(waitFor, { port: 8000 }, { result: 'ok', elapsed: 3 })).toEqual({
      changes: [],
      result: { elapsed: 3, state: 'started', port: 8000 },
    });
    expect(planWith(waitFor, { port: 8000 }, { result: 'timeout', elapsed: 300 }).failed).toBe(
      'Timeout when waiting for 127.0.0.1:8000',
    );
    expect(
      planWith(waitFor, { port: 80, host: 'db', state: 'stopped' }, { result: 'timeout', elapsed: 1 }).failed,
    ).toBe('Timeout when waiting for db:80 to stop.');
    expect(planWith(waitFor, { path: '/x', search_regex: 'ready' }, { result: 'timeout', elapsed: 1 }).failed).toBe(
      'Timeout when waiting for search string ready in /x',
    );
    expect(
      planWith(
        waitFor,
        { path: '/x', state: 'absent', msg: 'migration still running' },
        { result: 'timeout', elapsed: 1 },
      ).failed,
    ).toBe('migration still running');
    expect(planWith(waitFor, { host: '10.0.0.2', port: 22 }, { result: 'unsupported', elapsed: 0 }).failed).toMatch(
      /neither bash .* nor nc/,
    );
  });

  it('rejects port with path, drained, and bad ports', () => {
    expect(() => parseArgs(waitFor, { port: 1, path: '/x' })).toThrow(/port or path, not both/);
    expect(() => parseArgs(waitFor, { port: 1, state: 'drained' })).toThrow(/drained .* is not supported/);
    expect(() => parseArgs(waitFor, { port: 70000 })).toThrow(/TCP port/);
  });
});

describe('wait_for on this machine', () => {
  it('returns at once for a listening port and waits for one that opens later', async () => {
    const server = await listen();
    const open = await wait({ port: portOf(server), timeout: 10 });
    expect(open.plan.failed).toBeUndefined();
    expect(open.plan.changes).toEqual([]);
    expect(open.seconds).toBeLessThan(3);
    await new Promise((resolve) => server.close(resolve));

    const port = await freePort();
    let late: Server | undefined;
    const timer = setTimeout(async () => (late = await listen(port)), 2000);
    const waited = await wait({ port, timeout: 20, sleep: 0.5 });
    clearTimeout(timer);
    expect(waited.plan.failed).toBeUndefined();
    expect(waited.seconds).toBeGreaterThanOrEqual(1.5);
    expect(waited.plan.result?.elapsed).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => late?.close(resolve));
  });

  it('matches what a server sends with search_regex, and times out on a closed port', async () => {
    const server = await listen();
    const banner = await wait({ port: portOf(server), search_regex: 'OpenSSH_\\d', timeout: 10, connect_timeout: 2 });
    expect(banner.plan.failed).toBeUndefined();
    await new Promise((resolve) => server.close(resolve));

    const port = await freePort();
    const timedOut = await wait({ port, timeout: 2 });
    expect(timedOut.plan.failed).toBe(`Timeout when waiting for 127.0.0.1:${port}`);
    expect(timedOut.seconds).toBeGreaterThanOrEqual(2);
    expect(timedOut.seconds).toBeLessThan(6);
  });

  it('waits for a port to stop', async () => {
    const server = await listen();
    const port = portOf(server);
    setTimeout(() => server.close(), 1500);
    const stopped = await wait({ port, state: 'stopped', timeout: 15, sleep: 0.5 });
    expect(stopped.plan.failed).toBeUndefined();
    expect(stopped.seconds).toBeGreaterThanOrEqual(1);
  });

  it('finds a local listener through /proc/net/tcp when neither bash nor nc is there', async () => {
    const server = await listen();
    const condition = waitCondition(parseArgs(waitFor, { port: portOf(server), timeout: 3 }));
    // The same probe under a PATH holding only dash, date, sleep, cat and awk: the /proc fallback.
    const bin = join(dir, 'bin');
    spawnSync('sh', [
      '-c',
      `mkdir -p "$1" && for t in date sleep cat awk grep printf; do ln -sf "$(command -v $t)" "$1/$t"; done`,
      'sh',
      bin,
    ]);
    const run = (script: string) => spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: bin } });
    const up = run(buildWaitProbe(condition));
    expect(parseWaitProbe(up.stdout)).toMatchObject({ result: 'ok', method: 'proc' });
    await new Promise((resolve) => server.close(resolve));
    const down = run(buildWaitProbe({ ...condition, timeout: 1 }));
    expect(parseWaitProbe(down.stdout)).toMatchObject({ result: 'timeout', method: 'proc' });
    const remote = run(buildWaitProbe({ ...condition, host: '192.0.2.1' }));
    expect(parseWaitProbe(remote.stdout).result).toBe('unsupported');
  });

  it('tests ports with nc when bash is not there', async (ctx) => {
    const nc = spawnSync('sh', ['-c', 'command -v nc'], { encoding: 'utf8' }).stdout.trim();
    if (!nc) ctx.skip();
    const bin = join(dir, 'nc-bin');
    spawnSync('sh', [
      '-c',
      `mkdir -p "$1" && for t in date sleep cat awk grep printf head timeout nc mktemp rm; do ln -sf "$(command -v $t)" "$1/$t"; done`,
      'sh',
      bin,
    ]);
    // Asynchronous, so that the listener in this process can answer while the probe runs.
    const run = (script: string) =>
      new Promise<string>((resolve) => {
        const child = spawn('/bin/sh', ['-c', script], { env: { PATH: bin } });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        child.on('close', () => resolve(out));
      });
    const server = await listen();
    const condition = waitCondition(parseArgs(waitFor, { port: portOf(server), timeout: 3 }));
    expect(parseWaitProbe(await run(buildWaitProbe(condition)))).toMatchObject({ result: 'ok', method: 'nc' });
    const banner = waitCondition(
      parseArgs(waitFor, { port: portOf(server), timeout: 3, connect_timeout: 1, search_regex: 'OpenSSH_\\d' }),
    );
    expect(parseWaitProbe(await run(buildWaitProbe(banner)))).toMatchObject({ result: 'ok', method: 'nc' });
    const wrongBanner = waitCondition(
      parseArgs(waitFor, { port: portOf(server), timeout: 1, connect_timeout: 1, search_regex: 'nginx' }),
    );
    expect(parseWaitProbe(await run(buildWaitProbe(wrongBanner)))).toMatchObject({ result: 'timeout', method: 'nc' });
    await new Promise((resolve) => server.close(resolve));
    expect(parseWaitProbe(await run(buildWaitProbe({ ...condition, timeout: 1 })))).toMatchObject({
      result: 'timeout',
      method: 'nc',
    });
  });

  it('waits for a path to appear, for a pattern in it, and for it to go', async () => {
    const path = join(dir, "app 'log' $1.txt");
    setTimeout(() => writeFileSync(path, 'starting\n'), 1000);
    setTimeout(() => writeFileSync(path, 'starting\nready to accept connections on 8000\n'), 2500);
    const appeared = await wait({ path, timeout: 10, sleep: 0.3 });
    expect(appeared.plan.failed).toBeUndefined();
    expect(appeared.seconds).toBeGreaterThanOrEqual(0.8);
    const matched = await wait({ path, search_regex: 'ready .* on \\d+$', timeout: 10, sleep: 0.3 });
    expect(matched.plan.failed).toBeUndefined();
    expect(matched.seconds).toBeGreaterThanOrEqual(1);

    const missing = await wait({ path: join(dir, 'never'), timeout: 1 });
    expect(missing.plan.failed).toBe(`Timeout when waiting for file ${join(dir, 'never')}`);

    setTimeout(() => rmSync(path), 1000);
    const gone = await wait({ path, state: 'absent', timeout: 10, sleep: 0.3 });
    expect(gone.plan.failed).toBeUndefined();
    expect(gone.seconds).toBeGreaterThanOrEqual(0.8);
  });

  it('just waits when given neither port nor path', async () => {
    const slept = await wait({ timeout: 1 });
    expect(slept.plan.failed).toBeUndefined();
    expect(slept.seconds).toBeGreaterThanOrEqual(1);
  });
});

describe('wait_for with a secret search_regex', () => {
  it('never puts the pattern on a command line on the host (grep reads it from a file), and leaves no file', async () => {
    const secret = `ready-token-${process.pid}-${Date.now()}`;
    registerSecret(secret);
    const path = join(dir, 'secret-wait.log');
    writeFileSync(path, 'starting\n');
    const condition = waitCondition(parseArgs(waitFor, { path, search_regex: secret, timeout: 5, sleep: 1 }));
    setTimeout(() => writeFileSync(path, `starting\n${secret}\n`), 1500);
    const connection = new LocalConnection('local');
    const { result, seen } = await whileSampling(() => connection.exec(buildWaitProbe(condition)));
    expect(parseWaitProbe(result.stdout)).toMatchObject({ result: 'ok' });
    // Not vacuous: the sampler saw the probe running (from its temp file, as it holds a secret).
    expect(seen.some((line) => line.includes('/drover-cmd.'))).toBe(true);
    expect(seen.filter((line) => line.includes(secret))).toEqual([]);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('drover-re.'))).toEqual([]);
  });
});
