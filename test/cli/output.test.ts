import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readRecap } from '../helpers/read-output.js';
import { runCli } from '../helpers/run-cli.js';
import { writeFiles } from '../helpers/write-files.js';

const ESC = '\x1b[';
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';

let dir: string;
const conf = () => join(dir, 'app.conf');

beforeEach(() => {
  dir = writeFiles(
    {
      'hosts.ini': 'solo ansible_connection=local\n',
      'app.conf': 'port=80\nworkers=2\n',
      'play.yml': `- hosts: all
  gather_facts: false
  tasks:
    - name: write the config
      copy:
        dest: "{{ playbook_dir }}/app.conf"
        content: "port=8080\\nworkers=2\\n"
    - name: a failing task, ignored
      command: /bin/false
      ignore_errors: true
`,
    },
    'drover-output-',
  );
});

const run = (args: string[], env: Record<string, string>) =>
  runCli(['run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini'), ...args], { env });

describe('--diff', () => {
  it('prints a coloured unified diff when colour is forced', async () => {
    const result = await run(['--diff'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${RED}-port=80`);
    expect(result.stdout).toContain(`${GREEN}+port=8080`);
    expect(result.stdout).toContain(`--- ${conf()} (on host)`);
    expect(result.stdout).toContain(`+++ ${conf()} (wanted)`);
    expect(readFileSync(conf(), 'utf8')).toBe('port=8080\nworkers=2\n');
  });

  it('prints the same diff without any colour codes when NO_COLOR is set, even with FORCE_COLOR', async () => {
    const result = await run(['--diff'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).toMatch(/^-port=80$/m);
    expect(result.stdout).toMatch(/^\+port=8080$/m);
    expect(result.stdout).toMatch(/^ workers=2$/m);
  });

  it('prints no diff without --diff', async () => {
    const result = await run([], { NO_COLOR: '1' });
    expect(result.stdout).toContain('changed: [solo]');
    expect(result.stdout).not.toMatch(/^\+port=8080$/m);
  });
});

describe('output without a terminal', () => {
  it('is plain lines, Ansible-style, with no cursor movement, and ends with the PLAY RECAP', async () => {
    const result = await run(['--diff'], { NO_COLOR: '', FORCE_COLOR: '0' });
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).toMatch(/^PLAY \[all\] \*+$/m);
    expect(result.stdout).toMatch(/^TASK \[write the config\] \*+$/m);
    expect(result.stdout).toMatch(/^changed: \[solo\]$/m);
    expect(result.stdout).toMatch(/^failed \(ignored\): \[solo\]: FAILED! => /m);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^PLAY RECAP \*+$/);
    expect(lines.at(-1)).toBe(
      'solo : ok=2  changed=2  unreachable=0  failed=0  skipped=0  unknown=0  rescued=0  ignored=1',
    );
  });

  it('still ends with the PLAY RECAP when a host fails', async () => {
    writeFileSync(
      join(dir, 'fail.yml'),
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: msg="stop here"\n    - debug: msg=never\n',
    );
    const result = await runCli(['run', join(dir, 'fail.yml'), '-i', join(dir, 'hosts.ini')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('fatal: [solo]: FAILED! => stop here');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^PLAY RECAP \*+$/);
    expect(readRecap(result.stdout).solo).toMatchObject({ ok: 0, failed: 1 });
  });
});

describe('key=value arguments holding a template', () => {
  it('print the rendered value, with nothing on stderr (no YAML reader warning)', async () => {
    writeFileSync(
      join(dir, 'kv.yml'),
      '- hosts: all\n  gather_facts: false\n  vars:\n    x: [1, 2]\n    name: shop\n  tasks:\n    - debug: msg="{{ name }}"\n    - debug: msg={{name}}\n',
    );
    const result = await runCli(['run', join(dir, 'kv.yml'), '-i', join(dir, 'hosts.ini')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.match(/^ok: \[solo\] => shop$/gm)).toHaveLength(2);
  });
});
