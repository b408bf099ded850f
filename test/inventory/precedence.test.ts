import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { FIXTURES, writeInventory } from './write-inventory.js';

const PRECEDENCE = join(FIXTURES, 'precedence', 'hosts.yml');

describe('variable precedence inside the inventory', () => {
  it('host vars beat group vars; host_vars/ files beat inline host vars', async () => {
    const inv = await loadInventory([PRECEDENCE]);
    expect(inv.hostVars('web1').level).toBe('inline-host');
    expect(inv.hostVars('web2').level).toBe('file-host');
  });

  it("orders a host's groups by depth, then ansible_group_priority, then name", async () => {
    const inv = await loadInventory([PRECEDENCE]);
    expect(inv.groupsOf('web1')).toEqual(['all', 'site', 'green', 'web', 'blue']);
    // blue has priority 10, so its color wins over green's although green and blue are equally deep.
    expect(inv.hostVars('web1').color).toBe('blue');
    expect(inv.groupVars('blue')).toEqual({ color: 'blue' });
  });

  it('child group beats parent beats all, and group_vars/ files beat inline group vars as in Ansible', async () => {
    const dir = writeInventory({
      'hosts.ini': [
        '[parent:children]',
        'child',
        '[child]',
        'h1',
        '[all:vars]',
        'x=all',
        'y=all',
        'z=all',
        '[parent:vars]',
        'x=parent',
        'y=parent',
        '[child:vars]',
        'x=child',
      ].join('\n'),
    });
    const inv = await loadInventory([join(dir, 'hosts.ini')]);
    expect(inv.hostVars('h1')).toEqual({ x: 'child', y: 'parent', z: 'all' });

    const inv2 = await loadInventory([PRECEDENCE]);
    const web2 = inv2.hostVars('web2');
    // Ansible's order: inline group vars < group_vars/all < group_vars/GROUP, so group_vars/all beats green's inline value.
    expect(web2.shade).toBe('from-group_vars-all');
    expect(inv2.hostVars('web1').level).toBe('inline-host');
    expect(web2).toMatchObject({ from_all: true, site_only: true, ntp: 0o755, file_all: true, web_port: 80 });
  });

  it('merges a group_vars directory in name order, replacing top-level keys without deep merge', async () => {
    const inv = await loadInventory([PRECEDENCE]);
    expect(inv.hostVars('web1').web_opts).toEqual({ tls: true });
    expect(inv.groupVars('web')).toEqual({ level: 'file-web-10', web_port: 80, web_opts: { tls: true } });
  });

  it('setHostVar overrides every inventory source for that host only', async () => {
    const inv = await loadInventory([PRECEDENCE]);
    inv.setHostVar('web2', 'level', 'override');
    inv.setHostVar('web2', 'ansible_host', '10.9.9.9');
    expect(inv.hostVars('web2')).toMatchObject({ level: 'override', ansible_host: '10.9.9.9' });
    expect(inv.hostVars('web1').level).toBe('inline-host');
    expect(() => inv.setHostVar('nope', 'a', 1)).toThrow(/no host named "nope"/);
  });

  it("lets a later source replace an earlier one's group var, and merges maps set twice on the same group", async () => {
    const dir = writeInventory({
      'one.yml': 'web:\n  hosts:\n    w1:\n  vars:\n    port: 80\n    opts: {a: 1}\n',
      'two.yml': 'web:\n  vars:\n    port: 81\n    opts: {b: 2}\n',
    });
    const inv = await loadInventory([join(dir, 'one.yml'), join(dir, 'two.yml')]);
    expect(inv.hostVars('w1')).toEqual({ port: 81, opts: { a: 1, b: 2 } });
  });
});
