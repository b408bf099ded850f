import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hermeticCliEnv, rootKeyVars, writeKnownHosts } from '../helpers/cli-sshd.js';
import { runCli } from '../helpers/run-cli.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;
let dir: string;
let playbook: string;
let knownHosts: string;
const marker = () => join(dir, 'late.reached');

beforeAll(async () => {
  sshd = await startSshd({ name: 'late', subnet: 144 });
  dir = mkdtempSync(join(tmpdir(), 'drover-retries-'));
  playbook = join(dir, 'site.yml');
  writeFileSync(playbook, `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker()}\n`);
  knownHosts = writeKnownHosts(dir, [sshd]);
});

afterAll(() => {
  sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(marker(), { force: true });
  // The host is up (its network answers) but its sshd is not running yet: connects are refused.
  sshd.kill();
});

function inventory(extra = ''): string {
  const file = join(dir, 'hosts.ini');
  writeFileSync(file, `late ${rootKeyVars(sshd)}${extra}\n`);
  return file;
}

/** Runs drover while sshd comes up 1.2 s after the start. */
async function runWhileSshdStartsLate(args: string[]) {
  const running = runCli(args, { env: hermeticCliEnv(dir) });
  await new Promise((resolve) => setTimeout(resolve, 1200));
  await sshd.startDaemon();
  return running;
}

describe('connection retries', () => {
  it('without retries, a host whose sshd is not up yet is UNREACHABLE (connection refused)', async () => {
    const result = await runWhileSshdStartsLate(['run', playbook, '-i', inventory(), '--known-hosts', knownHosts]);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /fatal: \[late\]: UNREACHABLE! => cannot connect to root@[\d.]+:22: connection refused/,
    );
    expect(existsSync(marker())).toBe(false);
  });

  it('--connect-retries N keeps trying with backoff and reaches the host once sshd is up', async () => {
    const result = await runWhileSshdStartsLate([
      'run',
      playbook,
      '-i',
      inventory(),
      '--known-hosts',
      knownHosts,
      '--connect-retries',
      '4',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/late\s+: ok=1\s+changed=1\s+unreachable=0/);
    expect(existsSync(marker())).toBe(true);
  });

  it('the inventory variable drover_connect_retries does the same, and wins over the option', async () => {
    const result = await runWhileSshdStartsLate([
      'run',
      playbook,
      '-i',
      inventory(' drover_connect_retries=4'),
      '--known-hosts',
      knownHosts,
      '--connect-retries',
      '0',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(existsSync(marker())).toBe(true);
  });

  it('rejects a retry count that is not a whole number', async () => {
    sshd.kill();
    const option = await runCli(['run', playbook, '-i', inventory(), '--connect-retries', 'many'], {
      env: hermeticCliEnv(dir),
    });
    expect(option.code).toBe(5);
    expect(option.stderr).toContain('expected a whole number of 0 or more');
    const variable = await runCli(
      ['run', playbook, '-i', inventory(' drover_connect_retries=-1'), '--known-hosts', knownHosts],
      { env: hermeticCliEnv(dir) },
    );
    expect(variable.code).toBe(3);
    expect(variable.stdout).toContain('drover_connect_retries "-1" must be a whole number of 0 or more');
  });
});
