import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadInventory,
  renderInventoryGraph,
  renderInventoryHost,
  renderInventoryList,
} from '../../src/inventory/index.js';
import { FIXTURES } from './write-inventory.js';

describe('rendering like ansible-inventory', () => {
  it('--graph draws the group tree with hosts under the groups that declare them', async () => {
    const inv = await loadInventory([join(FIXTURES, 'guide.yml')]);
    expect(renderInventoryGraph(inv)).toBe(
      [
        '@all:',
        '  |--@ungrouped:',
        '  |  |--mail.example.com',
        '  |--@webservers:',
        '  |  |--foo.example.com',
        '  |  |--bar.example.com',
        '  |--@dbservers:',
        '  |  |--one.example.com',
        '  |  |--two.example.com',
        '  |  |--three.example.com',
        '  |--@east:',
        '  |  |--foo.example.com',
        '  |  |--one.example.com',
        '  |  |--two.example.com',
        '  |--@west:',
        '  |  |--bar.example.com',
        '  |  |--three.example.com',
        '  |--@prod:',
        '  |  |--@east:',
        '  |  |  |--foo.example.com',
        '  |  |  |--one.example.com',
        '  |  |  |--two.example.com',
        '  |--@test:',
        '  |  |--@west:',
        '  |  |  |--bar.example.com',
        '  |  |  |--three.example.com',
        '',
      ].join('\n'),
    );
  });

  it('--list gives _meta.hostvars and group entries with hosts and children; --export adds group vars', async () => {
    const inv = await loadInventory([join(FIXTURES, 'site')]);
    expect((renderInventoryList(inv) as Record<string, any>).web).toEqual({ hosts: ['web1', 'web2', 'web3'] });
    const list = renderInventoryList(inv, { export: true }) as Record<string, any>;
    expect(list._meta.hostvars.db1).toEqual({
      ansible_host: '10.0.0.21',
      ansible_user: 'postgres',
      ansible_port: 5432,
      role: 'primary',
    });
    // cache is written under all: in 02-extra.yml; the INI groups join "all" only once every file is read, as in Ansible.
    expect(list.all).toEqual({
      children: ['ungrouped', 'cache', 'web', 'db', 'monitor'],
      vars: { ansible_user: 'deploy' },
    });
    expect(list.web).toEqual({ hosts: ['web1', 'web2', 'web3'], vars: { http_port: 8080 } });
    expect(list.ungrouped).toBeUndefined();
    expect(JSON.parse(JSON.stringify(list))).toEqual(list);
  });

  it("--host gives one host's merged variables", async () => {
    const inv = await loadInventory([join(FIXTURES, 'site')]);
    expect(renderInventoryHost(inv, 'web1')).toEqual({
      ansible_host: '10.0.0.11',
      ansible_user: 'deploy',
      http_port: 8080,
    });
  });
});
