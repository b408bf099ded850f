import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hermeticCliEnv, rootKeyVars, writeKnownHosts } from '../helpers/cli-sshd.js';
import { megabytes, runDroverMeasured, sha256OfFile, writeRandomFile } from '../helpers/large-copy.js';
import { connectToSshd, createUser, startSshd, type TestSshd } from '../helpers/sshd.js';

const SIZE = 100 * 1024 * 1024;
/**
 * As over the local connection (test/engine/large-copy-memory.test.ts). A cold copy peaks higher
 * here, at about 125 MB: ssh2 allocates a buffer for each packet, which the garbage collector frees
 * in batches.
 */
const PEAK_LIMIT_BYTES = 150_000_000;
const USER = 'drvbig31';
const SUDO_PASSWORD = `big 'copy' $HOME`;

let sshd: TestSshd;
let dir: string;
let src: string;
let srcSha: string;
let inventory: string;
let knownHosts: string;
let env: Record<string, string>;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  sshd = await startSshd({ name: 'bigcopy', subnet: 31 });
  cleanups.push(createUser(USER, SUDO_PASSWORD, `${USER} ALL=(ALL:ALL) ALL`));
  dir = mkdtempSync(join(tmpdir(), 'drover-bigcopy-'));
  src = join(dir, 'big.bin');
  srcSha = writeRandomFile(src, SIZE);
  inventory = join(dir, 'hosts.ini');
  writeFileSync(inventory, `bigcopy ${rootKeyVars(sshd)}\n`);
  knownHosts = writeKnownHosts(dir, [sshd]);
  env = hermeticCliEnv(dir);
});

afterAll(() => {
  for (const cleanup of cleanups) cleanup();
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a 100 MB copy over SSH', { timeout: 300_000 }, () => {
  it('arrives whole, and the second run changes nothing', async () => {
    mkdirSync(join(dir, 'out'));
    const dest = join(dir, 'out', 'big.bin');
    const playbook = join(dir, 'site.yml');
    writeFileSync(
      playbook,
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: big file',
        '      copy:',
        `        src: ${src}`,
        `        dest: ${dest}`,
        '',
      ].join('\n'),
    );
    const args = ['run', playbook, '-i', inventory, '--known-hosts', knownHosts];

    const cold = await runDroverMeasured(args, { env });
    expect(cold.code, cold.stdout + cold.stderr).toBe(0);
    expect(cold.stdout).toMatch(/bigcopy\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0/);
    // The host shares this machine's file system.
    expect(await sha256OfFile(dest)).toBe(srcSha);

    const converged = await runDroverMeasured(args, { env });
    expect(converged.code, converged.stdout + converged.stderr).toBe(0);
    expect(converged.stdout).toMatch(/bigcopy\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
    console.log(
      `peak RSS of drover copying ${SIZE / 1024 / 1024} MiB over SSH: cold ${megabytes(cold.peakRss)}, converged ${megabytes(converged.peakRss)} (limit ${megabytes(PEAK_LIMIT_BYTES)})`,
    );
    expect(cold.peakRss).toBeLessThan(PEAK_LIMIT_BYTES);
    expect(converged.peakRss).toBeLessThan(PEAK_LIMIT_BYTES);
  });

  it('streams a file to a command after the become password, which never reaches its stdin', async () => {
    const connection = await connectToSshd(sshd, { user: USER }, cleanups);
    const result = await connection.exec('id -un; sha256sum', {
      stdin: { path: src },
      become: { password: SUDO_PASSWORD },
    });
    expect(result).toEqual({ code: 0, stdout: `root\n${srcSha}  -\n`, stderr: '' });
  });

  it('a command that stops reading early gets its own exit status, and the connection stays usable', async () => {
    const connection = await connectToSshd(sshd, { user: 'root' }, cleanups);
    const result = await connection.exec('head -c 5 >/dev/null; echo stopped; exit 3', { stdin: { path: src } });
    expect(result).toEqual({ code: 3, stdout: 'stopped\n', stderr: '' });
    const hash = createHash('sha256').update('after\n').digest('hex');
    expect((await connection.exec('sha256sum', { stdin: 'after\n' })).stdout).toBe(`${hash}  -\n`);
  });
});
