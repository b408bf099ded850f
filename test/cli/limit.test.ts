import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

let dir: string;
let inventory: string;
let playbook: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-limit-'));
  inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, '[web]\nweb1 ansible_connection=local\nweb2 ansible_connection=local\n');
  playbook = join(dir, 'play.yml');
  writeFileSync(
    playbook,
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch ${dir}/ran-{{ inventory_hostname }}\n`,
  );
});

describe('--limit, as ansible-playbook', () => {
  it('fails with exit 1 and runs nothing when it matches no host', async () => {
    const result = await runCli(['run', playbook, '-i', inventory, '--limit', 'db*']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "ERROR: Specified inventory, host pattern and/or --limit leaves us with no hosts to target: --limit 'db*' matches no host of the inventory",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain('PLAY');
    expect(existsSync(join(dir, 'ran-web1'))).toBe(false);
  });

  it('fails the same way for check and --list-hosts', async () => {
    expect((await runCli(['check', playbook, '-i', inventory, '--limit', 'nosuch'])).code).toBe(1);
    const list = await runCli(['run', playbook, '-i', inventory, '--limit', 'nosuch', '--list-hosts']);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('leaves us with no hosts to target');
  });

  it('runs on the hosts it matches', async () => {
    const result = await runCli(['run', playbook, '-i', inventory, '--limit', 'web2']);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'ran-web2'))).toBe(true);
    expect(existsSync(join(dir, 'ran-web1'))).toBe(false);
  });
});
