import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { FIXTURES, writeInventory } from './write-inventory.js';

const SITE = join(FIXTURES, 'site');

describe('inventory directories', () => {
  it('reads every inventory file inside, in name order and recursively, skipping notes, backups and hidden files', async () => {
    const inv = await loadInventory([SITE]);
    expect(inv.hostNames()).toEqual(['web1', 'web2', 'db1', 'cache1', 'web3', 'mon1']);
    expect(inv.groupsMap().web).toEqual(['web1', 'web2', 'web3']);
    expect(inv.hasHost('old1')).toBe(false);
    expect(inv.hasHost('secret1')).toBe(false);
    expect(inv.groupNames()).not.toContain('not');
  });

  it('applies group_vars/ and host_vars/ inside the directory (yml and json)', async () => {
    const inv = await loadInventory([SITE]);
    expect(inv.hostVars('web3')).toEqual({ ansible_user: 'deploy', http_port: 8080 });
    expect(inv.hostVars('db1')).toEqual({
      ansible_host: '10.0.0.21',
      ansible_user: 'postgres',
      ansible_port: 5432,
      role: 'primary',
    });
    expect(inv.hostVars('mon1')).toEqual({ ansible_user: 'deploy', ansible_connection: 'local' });
  });

  it('warns about a group_vars file that names no group', async () => {
    const inv = await loadInventory([SITE]);
    expect(inv.warnings()).toEqual([expect.stringMatching(/group_vars\/webservers\.yml: no group named "webservers"/)]);
  });

  it('reads group_vars/ and host_vars/ beside an inventory file', async () => {
    const inv = await loadInventory([join(SITE, '01-hosts.ini')]);
    expect(inv.hostVars('web1')).toEqual({ ansible_host: '10.0.0.11', ansible_user: 'deploy', http_port: 8080 });
  });

  it('prefers group_vars/NAME/ (a directory) over NAME.yml, as Ansible does, and reads extensionless files in it', async () => {
    const dir = writeInventory({
      'hosts.yml': 'app:\n  hosts:\n    a1:\n',
      'group_vars/app.yml': 'from: file\n',
      'group_vars/app/main': 'from: directory\n',
      'group_vars/app/secrets.yml~': 'from: backup\n',
    });
    const inv = await loadInventory([dir]);
    expect(inv.hostVars('a1')).toEqual({ from: 'directory' });
  });

  it('rejects a variables file that is not a map', async () => {
    const dir = writeInventory({ 'hosts.ini': '[app]\na1\n', 'group_vars/app.yml': '- one\n- two\n' });
    await expect(loadInventory([join(dir, 'hosts.ini')])).rejects.toThrow(
      /group_vars\/app\.yml:1:1: a variables file must hold a map/,
    );
  });
});
