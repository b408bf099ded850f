import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-exit-'));
  mkdirSync(join(dir, 'out'));
});

describe('exit codes, as ansible-playbook', () => {
  it('0 when every host succeeds', async () => {
    const inv = write('ok.ini', 'h1 ansible_connection=local\n');
    const play = write('ok.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=fine\n');
    expect((await runCli(['run', play, '-i', inv])).code).toBe(0);
  });

  it('2 when a host fails', async () => {
    const inv = write('fail.ini', 'h1 ansible_connection=local\n');
    const play = write('fail.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: msg=broken\n');
    const result = await runCli(['run', play, '-i', inv]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('fatal: [h1]: FAILED! => broken');
  });

  it('3 when a host is unreachable and none failed', async () => {
    const inv = write('unreach.ini', 'far ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody\n');
    const play = write('unreach.yml', '- hosts: all\n  tasks:\n    - debug: msg=x\n');
    const result = await runCli(['run', play, '-i', inv, '-T', '2']);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/far\s+: ok=0\s+changed=0\s+unreachable=1/);
  });

  it('4 when the playbook does not validate, and nothing runs', async () => {
    const marker = join(dir, 'out', 'ran');
    const inv = write('bad.ini', 'h1 ansible_connection=local\n');
    const play = write(
      'bad.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n    - name: typo\n      copy:\n        dest: /tmp/x\n        contnet: y\n`,
    );
    const result = await runCli(['run', play, '-i', inv]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`${play}:8:9: unknown parameter 'contnet' for module copy`);
    expect(result.stderr).toContain("did you mean 'content'?");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('4 for an inventory that does not parse', async () => {
    const inv = write('broken.yml', 'all:\n  hosts: [a\n');
    const play = write('any.yml', '- hosts: all\n  tasks: []\n');
    const result = await runCli(['run', play, '-i', inv]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('broken.yml');
  });

  it('5 for bad command-line options', async () => {
    expect((await runCli(['run', 'x.yml', '-i', 'inv', '--no-such-option'])).code).toBe(5);
    expect((await runCli(['run', 'x.yml'])).code).toBe(5);
    expect((await runCli(['run', 'x.yml', '-i', 'inv', '--forks', 'zero'])).code).toBe(5);
  });
});

describe('exit 1 for any other error', () => {
  it('1 when the vault password file cannot be read, before anything runs', async () => {
    const marker = join(dir, 'out', 'vault-ran');
    const inv = write('vault.ini', 'h1 ansible_connection=local\n');
    const play = write('vault.yml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n`);
    const result = await runCli(['run', play, '-i', inv, '--vault-password-file', join(dir, 'no-such-password-file')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ERROR: vault: cannot read the vault password file ${join(dir, 'no-such-password-file')}`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(marker)).toBe(false);
  });

  it('1 when the report cannot be written, after the run and its recap', async () => {
    const inv = write('report.ini', 'h1 ansible_connection=local\n');
    const play = write('report.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=fine\n');
    const result = await runCli(['run', play, '-i', inv, '--report', join(dir, 'no-such-dir', 'run.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/h1\s+: ok=1\s+changed=0/);
    expect(result.stderr).toContain(join(dir, 'no-such-dir', 'run.json'));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('exit 99 when interrupted', () => {
  it('lets the running task finish, starts nothing new, prints the recap', async () => {
    const started = join(dir, 'out', 'slow-started');
    const finished = join(dir, 'out', 'slow-finished');
    const next = join(dir, 'out', 'next-ran');
    const inv = write('sigint.ini', 'h1 ansible_connection=local\nh2 ansible_connection=local\n');
    const play = write(
      'sigint.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: slow\n      shell: touch ${started}-{{ inventory_hostname }}; sleep 1; touch ${finished}-{{ inventory_hostname }}\n    - name: next\n      command: touch ${next}-{{ inventory_hostname }}\n`,
    );
    const result = await runCli(['run', play, '-i', inv], {
      interruptWhen: (stdout) =>
        stdout.includes('TASK [slow]') && existsSync(`${started}-h1`) && existsSync(`${started}-h2`),
    });
    expect(result.code, result.stdout + result.stderr).toBe(99);
    expect(result.stderr).toContain('interrupt: letting running tasks finish');
    expect(result.stderr).toContain('interrupted: running tasks were allowed to finish; nothing new was started');
    for (const host of ['h1', 'h2']) {
      expect(existsSync(`${finished}-${host}`)).toBe(true);
      expect(existsSync(`${next}-${host}`)).toBe(false);
    }
    expect(result.stdout).not.toContain('TASK [next]');
    expect(result.stdout).toMatch(/PLAY RECAP \*+\nh1\s+: ok=1\s+changed=1[^\n]*\nh2\s+: ok=1\s+changed=1/);
  });
});

describe('drover doc and schema', () => {
  it('lists every module and prints a reference generated from its schema', async () => {
    const list = await runCli(['doc', '--list']);
    expect(list.code).toBe(0);
    for (const name of ['command', 'copy', 'template', 'file', 'lineinfile', 'debug', 'assert', 'set_fact'])
      expect(list.stdout).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
    const copy = await runCli(['doc', 'copy']);
    expect(copy.stdout).toContain('PARAMETERS');
    expect(copy.stdout).toMatch(/dest \(string, required\)/);
    expect(copy.stdout).toContain('EXAMPLES');
  });

  it('suggests a module for a typo', async () => {
    const result = await runCli(['doc', 'cpoy']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("did you mean 'copy'?");
  });

  it('prints a JSON Schema that knows every module', async () => {
    const result = await runCli(['schema']);
    const schema = JSON.parse(result.stdout);
    const taskForms = schema.$defs.task.anyOf;
    const moduleForm = taskForms[taskForms.length - 1];
    expect(Object.keys(moduleForm.properties)).toEqual(
      expect.arrayContaining(['copy', 'command', 'when', 'loop', 'register']),
    );
    expect(moduleForm.additionalProperties).toBe(false);
  });
});
