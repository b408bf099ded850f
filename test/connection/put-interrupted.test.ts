import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../src/connection/ssh.js';
import { buildPutFileScript } from '../../src/remote/put-file.js';
import { quote } from '../../src/remote/quote.js';
import { hermeticCliEnv, rootKeyVars, writeKnownHosts } from '../helpers/cli-sshd.js';
import { runCli } from '../helpers/run-cli.js';
import { runProcess, type ProcessOptions, type ProcessResult } from '../helpers/run-process.js';
import { sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

const BIN = fileURLToPath(new URL('../../bin/drover.js', import.meta.url));
const SIZE = 100 * 1024 * 1024;

let sshd: TestSshd;
let dir: string;
let inventory: string;
let knownHosts: string;
let env: Record<string, string>;
let oldFile: string;
let newFile: string;
let oldSha: string;
let newSha: string;

/** Random blocks, so no two versions share a prefix and the copy module sends the bytes as they are. */
function writeRandomFile(path: string): string {
  const content = randomBytes(SIZE);
  writeFileSync(path, content);
  return createHash('sha256').update(content).digest('hex');
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

beforeAll(async () => {
  // The host's sshd gives up a client that stops answering within seconds (sshd's default never
  // does), so that after a network cut the put ends on the host while the test looks.
  sshd = await startSshd({
    name: 'putint',
    subnet: 29,
    extraConfig: ['ClientAliveInterval 1', 'ClientAliveCountMax 3'],
  });
  dir = mkdtempSync(join(tmpdir(), 'drover-putint-'));
  oldFile = join(dir, 'old.bin');
  newFile = join(dir, 'new.bin');
  oldSha = writeRandomFile(oldFile);
  newSha = writeRandomFile(newFile);
  inventory = join(dir, 'hosts.ini');
  writeFileSync(inventory, `putint ${rootKeyVars(sshd)}\n`);
  knownHosts = writeKnownHosts(dir, [sshd]);
  env = hermeticCliEnv(dir);
});

afterAll(() => {
  sshd?.restoreNetwork();
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A playbook that copies the new version to dest, then runs `laterPlays` (YAML lines). */
function playbookFor(dest: string, laterPlays: string[] = []): string {
  const path = join(dir, `site-${dest.split('/').at(-2)}.yml`);
  writeFileSync(
    path,
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: big file',
      '      copy:',
      `        src: ${newFile}`,
      `        dest: ${dest}`,
      ...laterPlays,
      '',
    ].join('\n'),
  );
  return path;
}

/** drover's temp files in a directory (the host shares this machine's file system). */
function temps(path: string): string[] {
  return readdirSync(path).filter((name) => name.startsWith('.drover.'));
}

/** The largest temp file in the directory, in bytes (0 when there is none). */
function tempBytes(path: string): number {
  let largest = 0;
  for (const name of temps(path)) {
    try {
      largest = Math.max(largest, statSync(join(path, name)).size);
    } catch {}
  }
  return largest;
}

async function until(what: string, test: () => boolean, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Processes in the sshd's namespace other than the listening sshd: sessions, shells, the put's cat. */
function sessionProcesses(): number[] {
  const daemon = Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8').trim());
  const listed = spawnSync('ip', ['netns', 'pids', sshd.namespace], { encoding: 'utf8' }).stdout ?? '';
  return listed
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== daemon);
}

function drover(
  playbook: string,
  { args = [], ...options }: Pick<ProcessOptions, 'onStart' | 'onStdout' | 'timeoutMs'> & { args?: string[] } = {},
): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, 'run', playbook, '-i', inventory, '--known-hosts', knownHosts, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    // Its own process group, like a terminal's foreground job, so SIGINT can go to the group as Ctrl-C sends it.
    detached: true,
    ...options,
    failCode: KILLED,
  });
}

/** The exit code drover() reports when drover had to be killed. */
const KILLED = 137;

/** Runs a command inside the host's namespace, as the host itself would: not over SSH. */
function onHost(command: string, ...args: string[]): string {
  const result = spawnSync('ip', ['netns', 'exec', sshd.namespace, command, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} on the host: ${result.stderr}`);
  return result.stdout;
}

/** The destination's sha256 and size, and the temp files beside it, as the host sees them. */
function onHostState(dest: string): { sha256: string; size: number; temps: string[] } {
  return {
    sha256: onHost('sha256sum', '--', dest).split(' ')[0],
    size: Number(onHost('stat', '-c', '%s', '--', dest).trim()),
    temps: onHost('find', dirname(dest), '-mindepth', '1', '-maxdepth', '1', '-name', '.drover.*', '-printf', '%f\\n')
      .split('\n')
      .filter(Boolean),
  };
}

type Interruption = (child: ChildProcess) => Promise<void> | void;

/** Each interruption comes once the temp file on the host holds `at` of the content. */
const interruptions: Array<{ name: string; at: number; interrupt: Interruption; hostKilled?: boolean }> = [
  { name: 'one SIGINT', at: 0.1, interrupt: (child) => void process.kill(-child.pid!, 'SIGINT') },
  {
    name: 'two SIGINTs',
    at: 0.25,
    interrupt: async (child) => {
      process.kill(-child.pid!, 'SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20));
      process.kill(-child.pid!, 'SIGINT');
    },
  },
  { name: 'SIGKILL of drover', at: 0.5, interrupt: (child) => void process.kill(child.pid!, 'SIGKILL') },
  { name: 'the host killed (sshd and its sessions)', at: 0.75, interrupt: () => sshd.kill(), hostKilled: true },
];

describe('a put interrupted half-way leaves the old file or the new one, never a part', { timeout: 120_000 }, () => {
  for (const { name, at, interrupt, hostKilled } of interruptions) {
    it(`${name}: old or new content, and the next run puts the new one and leaves no temp file`, async () => {
      const destDir = join(dir, `dest-${name.replace(/\W+/g, '-')}`);
      mkdirSync(destDir);
      const dest = join(destDir, 'big.bin');
      copyFileSync(oldFile, dest);
      const playbook = playbookFor(dest);

      const started = Date.now();
      let child: ChildProcess | undefined;
      const running = drover(playbook, { onStart: (spawned) => (child = spawned) });
      // Interrupt once the temp file on the host has grown that far.
      await until(`the temp file did not reach ${at * SIZE} bytes`, () => tempBytes(destDir) >= at * SIZE, 60_000, 2);
      const grownTo = tempBytes(destDir);
      await interrupt(child!);
      const interrupted = await running;
      // The put's shell may still be running on the host (checking what it got): wait until it is done.
      await until('the put did not end on the host', () => sessionProcesses().length === 0, 30_000, 20);

      const after = sha256Of(dest);
      const state = after === oldSha ? 'old' : after === newSha ? 'new' : `a part (${statSync(dest).size} bytes)`;
      const leftovers = temps(destDir);
      console.log(
        `${name}: interrupted with the temp at ${grownTo} bytes; drover exit ${interrupted.code}; dest holds the ${state} content; ${leftovers.length} temp file(s) left; ${Date.now() - started} ms`,
      );
      expect(state, interrupted.stdout + interrupted.stderr).toMatch(/^(old|new)$/);
      // A host killed outright may leave the temp of its killed shell; the next put removes it.
      expect(leftovers.length).toBeLessThanOrEqual(hostKilled ? 1 : 0);

      if (hostKilled) await sshd.startDaemon();
      const again = await runCli(['run', playbook, '-i', inventory, '--known-hosts', knownHosts], { env });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(sha256Of(dest)).toBe(newSha);
      expect(temps(destDir)).toEqual([]);
      const converged = await runCli(['run', playbook, '-i', inventory, '--known-hosts', knownHosts], { env });
      expect(converged.code, converged.stdout + converged.stderr).toBe(0);
      expect(converged.stdout).toMatch(/putint\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    });
  }
});

/** Milliseconds from `since` until no session is left on the host (undefined: still some after a minute). */
async function sessionsGone(since: number): Promise<number | undefined> {
  const deadline = Date.now() + 60_000;
  while (sessionProcesses().length > 0) {
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - since;
}

/**
 * A cut comes once the temp file on the host holds `at` of the content, or once drover has printed
 * the put's result (`answered`). drover detects a silent link by its keepalives (5 s, 3 missed).
 */
const cuts: Array<{
  name: string;
  at?: number;
  answered?: boolean;
  content: 'old' | 'new';
  recap: RegExp;
  laterPlays?: string[];
  args?: string[];
}> = [
  {
    name: 'half-way through the content',
    at: 0.5,
    content: 'old',
    recap: /putint\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0/,
  },
  // The host has every byte: it checks them and renames the temp; its answer never reaches drover.
  {
    name: 'with all of the content on the host',
    at: 1,
    content: 'new',
    recap: /putint\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0/,
  },
  // The put is done and reported, and the run goes on elsewhere for 3 s, less than the keepalives
  // take: the run's end then says goodbye on a link that went silent. Without the host lock, whose
  // release would wait for the keepalives, nothing else is left to do on the host.
  {
    name: 'after the put, while the run goes on elsewhere',
    answered: true,
    content: 'new',
    recap: /putint\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0/,
    laterPlays: [
      '- hosts: localhost',
      '  gather_facts: false',
      '  tasks:',
      '    - name: elsewhere',
      '      command: sleep 3',
    ],
    args: ['--no-host-lock'],
  },
];

describe('a put whose network is cut silently leaves the old file or the new one', { timeout: 180_000 }, () => {
  for (const { name, at, answered, content, recap, laterPlays, args } of cuts) {
    it(`cut ${name}: drover ends on its own, the host keeps the ${content} file, the next run puts the new one`, async () => {
      const destDir = join(dir, `cut-${name.replace(/\W+/g, '-')}`);
      mkdirSync(destDir);
      const dest = join(destDir, 'big.bin');
      copyFileSync(oldFile, dest);
      const playbook = playbookFor(dest, laterPlays);

      let grownTo = 0;
      let cutAt = 0;
      let hostDone: Promise<number | undefined> = Promise.resolve(undefined);
      // No FIN, no RST: every packet between this machine and the host vanishes from now on.
      const cut = () => {
        if (cutAt) return;
        grownTo = tempBytes(destDir);
        sshd.cutNetwork();
        cutAt = Date.now();
        // The host's sshd gives the silent client up (ClientAlive*), and the put's shell ends.
        hostDone = sessionsGone(cutAt);
      };
      // Killed after 120 s: a drover that hangs fails the test instead of stalling it.
      const running = drover(playbook, {
        args,
        timeoutMs: 120_000,
        onStdout: answered ? (_child, stdout) => void (/changed: \[putint\]/.test(stdout) && cut()) : undefined,
      });
      let result: ProcessResult;
      let droverMs: number;
      let hostMs: number | undefined;
      try {
        if (at !== undefined) {
          const bytes = at * SIZE;
          await until(`the temp file did not reach ${bytes} bytes`, () => tempBytes(destDir) >= bytes, 60_000, 2);
          cut();
        }
        result = await running;
        droverMs = Date.now() - cutAt;
        hostMs = await hostDone;
      } finally {
        sshd.restoreNetwork();
      }
      // Looked at on the host itself, not over SSH.
      const host = onHostState(dest);
      const state = host.sha256 === oldSha ? 'old' : host.sha256 === newSha ? 'new' : `a part (${host.size} bytes)`;
      console.log(
        `cut ${name} (${at === undefined ? 'on the result' : `the temp at ${grownTo} of ${SIZE} bytes`}): ` +
          `drover exit ${result.code} ${droverMs} ms after the cut; ` +
          `the host's sessions gone ${hostMs} ms after it; the host holds the ${state} content (sha256 ${host.sha256}); ` +
          `${host.temps.length} temp file(s) left`,
      );
      const output = result.stdout + result.stderr;
      expect(cutAt, output).toBeGreaterThan(0);
      expect(result.code, output).not.toBe(KILLED);
      // Three missed keepalives, not TCP's minutes of retransmission.
      expect(droverMs, output).toBeLessThan(45_000);
      expect(result.stdout).toMatch(recap);
      expect(result.code, output).toBe(answered ? 0 : 3);
      expect(hostMs, 'the sessions on the host did not end').toBeDefined();
      expect(state, output).toBe(content);
      expect(host.temps.length).toBeLessThanOrEqual(1);

      const again = await runCli(['run', playbook, '-i', inventory, '--known-hosts', knownHosts], { env });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const after = onHostState(dest);
      expect(after.sha256).toBe(newSha);
      expect(after.temps).toEqual([]);
      const converged = await runCli(['run', playbook, '-i', inventory, '--known-hosts', knownHosts], { env });
      expect(converged.code, converged.stdout + converged.stderr).toBe(0);
      expect(converged.stdout).toMatch(/putint\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    });
  }
});

describe('the put script over SSH', { timeout: 60_000 }, () => {
  let connection: SshConnection;
  let scriptDir: string;

  beforeAll(async () => {
    const target = sshTarget(sshd);
    connection = new SshConnection(target.settings, target.options);
    await connection.connect();
    scriptDir = join(dir, 'script');
    mkdirSync(scriptDir);
  });

  afterAll(async () => {
    await connection?.close();
  });

  it('with only half the content on stdin leaves the old file, removes the temp and says so', async () => {
    const path = join(scriptDir, 'half.bin');
    writeFileSync(path, 'old\n');
    const content = randomBytes(4 * 1024 * 1024);
    const result = await connection.exec(buildPutFileScript({ path, content }), {
      stdin: content.subarray(0, content.length / 2),
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`the file did not arrive whole (${content.length / 2} of ${content.length} bytes)`);
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(temps(scriptDir)).toEqual([]);
  });

  it('with the right size but other bytes leaves the old file', async () => {
    const path = join(scriptDir, 'other.txt');
    writeFileSync(path, 'old\n');
    const result = await connection.exec(buildPutFileScript({ path, content: 'new\n' }), { stdin: 'NEW\n' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the file did not arrive intact');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(temps(scriptDir)).toEqual([]);
  });

  it('with the whole content puts it, text or bytes', async () => {
    const path = join(scriptDir, 'whole.txt');
    writeFileSync(path, 'old\n');
    const text = 'naïve – ünïcödé\n';
    expect((await connection.exec(buildPutFileScript({ path, content: text }), { stdin: text })).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const bytes = randomBytes(70_000);
    expect((await connection.exec(buildPutFileScript({ path, content: bytes }), { stdin: bytes })).code).toBe(0);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('removes the temp files of killed puts, not those of running ones nor other files', async () => {
    const cleanDir = join(scriptDir, 'leftovers');
    mkdirSync(cleanDir);
    // A shell that has exited: its PID names a leftover. A sleeping one: its PID names a put still running.
    const deadPid = (await connection.exec('echo $$')).stdout.trim();
    const sleeper = spawnSync('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).stdout.trim();
    try {
      const leftover = `.drover.${deadPid}.Ab12Cd`;
      const running = `.drover.${sleeper}.Xy34Zw`;
      const others = [
        '.drover.notes',
        '.drover.123456',
        `.drover.${deadPid}.short`,
        `.drover.${deadPid}x.Ab12Cd`,
        `.drover-prev.${deadPid}.Ab12Cd`,
        'keep.conf',
      ];
      for (const name of [leftover, running, ...others]) writeFileSync(join(cleanDir, name), 'x');
      await connection.exec(`ln -s /etc/hostname ${quote(join(cleanDir, `.drover.${deadPid}.Link00`))}`);
      const path = join(cleanDir, 'keep.conf');
      expect((await connection.exec(buildPutFileScript({ path, content: 'new\n' }), { stdin: 'new\n' })).code).toBe(0);
      expect(readdirSync(cleanDir).sort()).toEqual([running, ...others, `.drover.${deadPid}.Link00`].sort());
      expect(readFileSync(path, 'utf8')).toBe('new\n');
    } finally {
      process.kill(Number(sleeper), 'SIGKILL');
    }
  });
});
