import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hermeticCliEnv, rootKeyVars, writeKnownHosts } from '../helpers/cli-sshd.js';
import { runCli } from '../helpers/run-cli.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

let web1: TestSshd;
let web2: TestSshd;
let web3: TestSshd;
let dir: string;

beforeAll(async () => {
  web1 = await startSshd({ name: 'midrun1', subnet: 141 });
  web2 = await startSshd({ name: 'midrun2', subnet: 142, clientKeyPath: web1.clientKeyPath });
  web3 = await startSshd({ name: 'midrun3', subnet: 143, clientKeyPath: web1.clientKeyPath });
  dir = mkdtempSync(join(tmpdir(), 'drover-midrun-'));
});

afterAll(() => {
  for (const sshd of [web1, web2, web3]) sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function waitFor(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('drover run when a host dies during a task', () => {
  it('marks that host UNREACHABLE with the reason, finishes the play on the others, exits 3, and does not hang', async () => {
    const inventory = join(dir, 'hosts.ini');
    writeFileSync(inventory, [web1, web2, web3].map((sshd, i) => `web${i + 1} ${rootKeyVars(sshd)}`).join('\n') + '\n');
    const playbook = join(dir, 'site.yml');
    writeFileSync(
      playbook,
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: long task',
        `      shell: "touch ${dir}/{{ inventory_hostname }}.started; sleep 4"`,
        '    - name: after the long task',
        `      shell: "touch ${dir}/{{ inventory_hostname }}.done"`,
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const running = runCli(
      ['run', playbook, '-i', inventory, '--known-hosts', writeKnownHosts(dir, [web1, web2, web3])],
      { env: hermeticCliEnv(dir) },
    );
    // The hosts share this machine's file system: the marker says web2's task is running.
    await waitFor(join(dir, 'web2.started'), 20_000);
    web2.kill();
    const result = await running;

    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toContain(`fatal: [web2]: UNREACHABLE! => lost the connection to web2`);
    expect(result.stdout).toMatch(/web2\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0/);
    for (const host of ['web1', 'web3']) {
      expect(result.stdout).toMatch(new RegExp(`${host}\\s+: ok=2\\s+changed=2\\s+unreachable=0\\s+failed=0`));
      expect(existsSync(join(dir, `${host}.done`))).toBe(true);
    }
    expect(existsSync(join(dir, 'web2.done'))).toBe(false);
    // The others' 4 s task and the next one, not a keepalive or command timeout waited out.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
