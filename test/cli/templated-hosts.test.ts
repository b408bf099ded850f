import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let inventory: string;

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** A play on a templated hosts: whose task leaves one marker file per host it ran on. */
function play(name: string, head = ''): string {
  return write(
    `${name}.yml`,
    `- hosts: "{{ target }}"\n  gather_facts: false\n${head}  tasks:\n    - command: touch ${join(dir, 'out', name)}-{{ inventory_hostname }}\n`,
  );
}

const ran = (name: string, host: string) => existsSync(join(dir, 'out', `${name}-${host}`));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-hosts-'));
  mkdirSync(join(dir, 'out'));
  inventory = write('inventory/hosts.ini', '[web]\nweb1\nweb2\n\n[db]\ndb1\n\n[all:vars]\nansible_connection=local\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a templated hosts: is rendered before hosts are selected', () => {
  it('from extra vars (-e)', async () => {
    const file = play('extra');
    const result = await runCli(['run', file, '-i', inventory, '-e', 'target=db']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('PLAY [db]');
    expect(ran('extra', 'db1')).toBe(true);
    expect(ran('extra', 'web1')).toBe(false);
  });

  it("from the inventory's all group vars, below the play's vars and -e", async () => {
    write('inventory/group_vars/all.yml', 'target: web\n');
    const fromInventory = play('inventory');
    const result = await runCli(['run', fromInventory, '-i', join(dir, 'inventory')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(ran('inventory', 'web1') && ran('inventory', 'web2')).toBe(true);
    expect(ran('inventory', 'db1')).toBe(false);

    const fromPlay = play('play-vars', '  vars:\n    target: web1\n');
    expect((await runCli(['run', fromPlay, '-i', join(dir, 'inventory')])).code).toBe(0);
    expect(ran('play-vars', 'web1')).toBe(true);
    expect(ran('play-vars', 'web2')).toBe(false);

    const overridden = play('overridden', '  vars:\n    target: web1\n');
    expect((await runCli(['run', overridden, '-i', join(dir, 'inventory'), '-e', 'target=db1'])).code).toBe(0);
    expect(ran('overridden', 'db1')).toBe(true);
    expect(ran('overridden', 'web1')).toBe(false);
  });

  it('--list-hosts shows the rendered selection', async () => {
    const file = play('listed');
    const result = await runCli(['run', file, '-i', inventory, '-e', 'target=web', '--list-hosts']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('play: web (2 hosts)\n    web1\n    web2\n');
  });

  it('an undefined variable is exit 4 naming the play file and line, and no host is contacted', async () => {
    // An unreachable host would make the run exit 3 if anything tried to reach it.
    const far = write('far.ini', 'far ansible_host=127.0.0.1 ansible_port=1 ansible_user=nobody\n');
    const marker = join(dir, 'out', 'first-play');
    const two = write(
      'two-plays.yml',
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${marker}\n\n- name: second\n  hosts: "{{ target }}"\n  tasks: []\n`,
    );
    const bare = write('bare/hosts.ini', 'h1 ansible_connection=local\n');
    const result = await runCli(['run', two, '-i', bare]);
    expect(result.code, result.stdout + result.stderr).toBe(4);
    expect(result.stderr).toContain(`${two}:7:3: undefined variable 'target' in the play's hosts: {{ target }}`);
    expect(result.stderr).toContain('  task: play second\n');
    expect(result.stderr).toContain('  field: hosts\n');
    expect(result.stderr).toContain(
      "  fix: hosts is rendered before any host is selected, from -e, the play's vars and vars_files, and the inventory's all group vars: define 'target' there (e.g. -e target=web), or give it a default: {{ target | default('all') }}",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(existsSync(marker)).toBe(false);

    const unreachable = await runCli(['run', play('never'), '-i', far, '-T', '2']);
    expect(unreachable.code, unreachable.stdout + unreachable.stderr).toBe(4);
    expect(unreachable.stdout).toBe('');
    expect(unreachable.stderr).toContain("undefined variable 'target' in the play's hosts");
  });
});
