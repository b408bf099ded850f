import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hermeticCliEnv, startPasswordHost, type PasswordHost } from '../helpers/cli-sshd.js';
import { runCliOnTerminal } from '../helpers/run-cli-on-terminal.js';
import type { TestSshd } from '../helpers/sshd.js';

const USER = 'drvask46';
const PASSWORD = `Ask-46 "typed" $pw`;

let host: PasswordHost;
let sshd: TestSshd;
let dir: string;
let outDir: string;
let inventory: string;
let playbook: string;
let knownHosts: string;

beforeAll(async () => {
  host = await startPasswordHost({ name: 'askpass', subnet: 146, user: USER, password: PASSWORD });
  ({ sshd, dir, knownHosts } = host);
  chmodSync(dir, 0o755);
  outDir = join(dir, 'out');
  mkdirSync(outDir);
  chmodSync(outDir, 0o777);
  // No ansible_password, no key: the password typed at the prompt is the only way in.
  inventory = join(dir, 'hosts.ini');
  writeFileSync(inventory, `ask1 ansible_host=${sshd.address} ansible_user=${USER}\n`);
  playbook = join(dir, 'site.yml');
  writeFileSync(
    playbook,
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      `    - shell: "id -un > ${outDir}/login"`,
      '    - become: true',
      `      shell: "id -un > ${outDir}/become"`,
      '    - debug:',
      `        msg: 'typed ${PASSWORD}'`,
      '',
    ].join('\n'),
  );
});

afterAll(() => host?.stop());

const args = (...extra: string[]) => ['run', playbook, '-i', inventory, '--known-hosts', knownHosts, ...extra];

describe('-k / --ask-pass and -K / --ask-become-pass', () => {
  it('asks once for each password without echo, logs in and becomes root with them, and masks them', async () => {
    rmSync(join(outDir, 'login'), { force: true });
    const result = await runCliOnTerminal(
      args('-k', '-K'),
      [
        { prompt: 'SSH password:', type: PASSWORD },
        { prompt: 'BECOME password', type: PASSWORD },
      ],
      hermeticCliEnv(dir),
    );
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(outDir, 'login'), 'utf8')).toBe(`${USER}\n`);
    expect(readFileSync(join(outDir, 'become'), 'utf8')).toBe('root\n');
    expect(result.output.match(/SSH password:/g)).toHaveLength(1);
    expect(result.output.match(/BECOME password/g)).toHaveLength(1);
    // Not echoed at the prompt, and masked where a task prints it.
    expect(result.output).not.toContain('Ask-46');
    expect(result.output).toContain('typed ********');
  });

  it('an empty answer to the BECOME prompt reuses the SSH password, as in ansible-playbook', async () => {
    rmSync(join(outDir, 'become'), { force: true });
    const result = await runCliOnTerminal(
      args('--ask-pass', '--ask-become-pass'),
      [
        { prompt: 'SSH password:', type: PASSWORD },
        { prompt: 'BECOME password[defaults to SSH password]:', type: '' },
      ],
      hermeticCliEnv(dir),
    );
    expect(result.code, result.output).toBe(0);
    expect(readFileSync(join(outDir, 'become'), 'utf8')).toBe('root\n');
  });

  it('without -k the same host refuses the login: UNREACHABLE', async () => {
    const result = await runCliOnTerminal(args(), [], hermeticCliEnv(dir));
    expect(result.code).toBe(3);
    expect(result.output).toMatch(/UNREACHABLE! => authentication failed for drvask46@/);
  });

  it('a wrong password at the -k prompt is an authentication failure, not a hang', async () => {
    const result = await runCliOnTerminal(
      args('-k'),
      [{ prompt: 'SSH password:', type: 'not the password' }],
      hermeticCliEnv(dir),
    );
    expect(result.code).toBe(3);
    expect(result.output).toMatch(/authentication failed for drvask46@.*tried: password/);
  });

  it('with no terminal to ask on, -k is a usage error naming the alternative', () => {
    // setsid: no controlling terminal, as under cron or CI.
    const result = spawnSync('setsid', ['-w', process.execPath, join(process.cwd(), 'bin/drover.js'), ...args('-k')], {
      encoding: 'utf8',
      env: { ...process.env, ...hermeticCliEnv(dir) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(result.status).toBe(5);
    expect(result.stderr).toContain(
      'there is no terminal to ask on; set ansible_password (from a vault variable) instead of --ask-pass',
    );
  });
});
