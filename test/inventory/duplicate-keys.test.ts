import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { runCli } from '../helpers/run-cli.js';
import { loadError, writeInventory } from './write-inventory.js';

const TWICE_IN_ONE_GROUP = `all:
  vars:
    ansible_connection: local
  children:
    web:
      hosts:
        web1:
          http_port: 80
        web2:
        web1:
          http_port: 8080
`;

describe('a duplicate key in a YAML inventory is an error at its line', () => {
  it('the same host twice under one group names the host, the group and both lines', async () => {
    const error = await loadError({ 'hosts.yml': TWICE_IN_ONE_GROUP }, 'hosts.yml');
    expect(error.line).toBe(10);
    expect(error.column).toBe(9);
    expect(error.problem).toBe('host "web1" is listed twice in the hosts of group "web" (also at line 7)');
    expect(error.hint).toMatch(/remove one of the two entries/);
    expect(error.message).toMatch(/hosts\.yml:10:9: host "web1"/);
    expect(error.message).toMatch(/> +10 \| {9}web1:/);
  });

  it('a host in two different groups is fine', async () => {
    const dir = writeInventory({
      'hosts.yml':
        'all:\n  children:\n    web:\n      hosts:\n        shared:\n    db:\n      hosts:\n        shared:\n',
    });
    const inventory = await loadInventory([join(dir, 'hosts.yml')]);
    expect(inventory.groupsOf('shared')).toEqual(expect.arrayContaining(['web', 'db']));
  });

  it('any other duplicate key: vars of a group, a group listed twice, a group_vars file', async () => {
    const vars = await loadError(
      { 'hosts.yml': 'all:\n  vars:\n    ntp: a\n    ntp: b\n  hosts:\n    h1:\n' },
      'hosts.yml',
    );
    expect(vars.problem).toBe('duplicate key "ntp" in all.vars (also at line 3)');
    expect(vars.line).toBe(4);
    const children = await loadError({ 'hosts.yml': 'all:\n  children:\n    web:\n    db:\n    web:\n' }, 'hosts.yml');
    expect(children.problem).toBe('group "web" is listed twice in the children of group "all" (also at line 3)');
    expect(children.line).toBe(5);
    const groupVars = await loadError(
      { 'inv/hosts.yml': 'all:\n  hosts:\n    h1:\n', 'inv/group_vars/all.yml': 'port: 1\nhosts:\n  a: 1\n  a: 2\n' },
      'inv',
    );
    expect(groupVars.problem).toBe('duplicate key "a" in hosts (also at line 3)');
    expect(groupVars.file).toMatch(/group_vars\/all\.yml$/);
    expect(groupVars.line).toBe(4);
  });

  it('an inventory file without an extension that reads as YAML reports it too, instead of being read as INI', async () => {
    const error = await loadError({ hosts: TWICE_IN_ONE_GROUP }, 'hosts');
    expect(error.problem).toBe('host "web1" is listed twice in the hosts of group "web" (also at line 7)');
  });

  it('drover run exits 4 with the line, before any task runs', async () => {
    const dir = writeInventory({
      'hosts.yml': TWICE_IN_ONE_GROUP,
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - command: touch MARKER\n`,
    });
    const result = await runCli(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(4);
    expect(result.stderr).toContain(
      `ERROR: inventory: ${join(dir, 'hosts.yml')}:10:9: host "web1" is listed twice in the hosts of group "web" (also at line 7)`,
    );
    expect(result.stderr).toContain('  fix: remove one of the two entries');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'MARKER'))).toBe(false);
  });
});
