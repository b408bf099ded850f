import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { FIXTURES, writeInventory } from './write-inventory.js';

describe('YAML inventories', () => {
  it('reads the inventory guide example with nested groups and shared hosts', async () => {
    const inv = await loadInventory([join(FIXTURES, 'guide.yml')]);
    expect(inv.hostNames()).toEqual([
      'mail.example.com',
      'foo.example.com',
      'bar.example.com',
      'one.example.com',
      'two.example.com',
      'three.example.com',
    ]);
    const groups = inv.groupsMap();
    expect(groups.prod).toEqual(['foo.example.com', 'one.example.com', 'two.example.com']);
    expect(groups.test).toEqual(['bar.example.com', 'three.example.com']);
    expect(groups.ungrouped).toEqual(['mail.example.com']);
    // east sits under all and under prod, so it is one level deeper than webservers.
    expect(inv.groupsOf('foo.example.com')).toEqual(['all', 'prod', 'webservers', 'east']);
    expect(inv.groupNames()).toEqual(['all', 'ungrouped', 'webservers', 'dbservers', 'east', 'west', 'prod', 'test']);
  });

  it('reads values as YAML 1.1 like Ansible: yes/on are booleans, 0644 is octal, y stays a string', async () => {
    const dir = writeInventory({
      'hosts.yml': [
        'all:',
        '  hosts:',
        '    web1:',
        '      a: yes',
        '      b: off',
        '      mode: 0644',
        '      letter: y',
        '      day: 2024-01-31',
        '      port: "22"',
        '      list: [1, two]',
      ].join('\n'),
    });
    const inv = await loadInventory([join(dir, 'hosts.yml')]);
    expect(inv.hostVars('web1')).toEqual({
      a: true,
      b: false,
      mode: 0o644,
      letter: 'y',
      day: '2024-01-31',
      port: '22',
      list: [1, 'two'],
    });
  });

  it('expands host ranges and host:port keys', async () => {
    const dir = writeInventory({
      'hosts.yaml': [
        'webservers:',
        '  hosts:',
        '    www[01:03].example.com:',
        '    db-[a:c]:',
        '    edge.example.com:2222:',
        '      role: edge',
      ].join('\n'),
    });
    const inv = await loadInventory([join(dir, 'hosts.yaml')]);
    expect(inv.hostNames()).toEqual([
      'www01.example.com',
      'www02.example.com',
      'www03.example.com',
      'db-a',
      'db-b',
      'db-c',
      'edge.example.com',
    ]);
    expect(inv.hostVars('edge.example.com')).toEqual({ ansible_port: 2222, role: 'edge' });
    expect(inv.groupsOf('db-b')).toEqual(['all', 'webservers']);
  });

  it('nests groups at any depth and resolves anchors and merge keys', async () => {
    const dir = writeInventory({
      'hosts.yml': [
        'all:',
        '  children:',
        '    europe:',
        '      children:',
        '        france:',
        '          children:',
        '            paris:',
        '              hosts:',
        '                par1: &defaults',
        '                  ansible_user: ops',
        '                  tz: Europe/Paris',
        '                par2:',
        '                  <<: *defaults',
        '                  tz: UTC',
      ].join('\n'),
    });
    const inv = await loadInventory([join(dir, 'hosts.yml')]);
    expect(inv.groupsOf('par2')).toEqual(['all', 'europe', 'france', 'paris']);
    expect(inv.hostVars('par2')).toEqual({ ansible_user: 'ops', tz: 'UTC' });
    expect(inv.groupsMap().europe).toEqual(['par1', 'par2']);
  });

  it('reads a file without extension as YAML when it is a YAML map', async () => {
    const dir = writeInventory({ inventory: 'all:\n  hosts:\n    one:\n      ansible_connection: local\n' });
    const inv = await loadInventory([join(dir, 'inventory')]);
    expect(inv.hostVars('one')).toEqual({ ansible_connection: 'local' });
  });

  it('warns, like Ansible, about hosts written without "hosts:" instead of dropping them silently', async () => {
    const dir = writeInventory({ 'hosts.yml': 'webservers:\n  web1:\n  hosts:\n    web2:\n' });
    const inv = await loadInventory([join(dir, 'hosts.yml')]);
    expect(inv.hostNames()).toEqual(['web2']);
    expect(inv.warnings()).toEqual([
      expect.stringMatching(
        /hosts\.yml:2: skipping unexpected key "web1" in group "webservers".*put it under "hosts:"/,
      ),
    ]);
  });

  it('merges several sources in order: later inline vars replace earlier ones', async () => {
    const dir = writeInventory({
      'a.yml': 'all:\n  hosts:\n    h1:\n      x: 1\n      keep: a\n',
      'b.ini': 'h1 x=2\n[extra]\nh2\n',
    });
    const inv = await loadInventory([join(dir, 'a.yml'), join(dir, 'b.ini')]);
    expect(inv.hostNames()).toEqual(['h1', 'h2']);
    expect(inv.hostVars('h1')).toEqual({ x: 2, keep: 'a' });
  });
});

describe('host lists', () => {
  it('takes "host1,host2:2222," as ungrouped hosts', async () => {
    const inv = await loadInventory(['alpha,beta:2222,']);
    expect(inv.hostNames()).toEqual(['alpha', 'beta']);
    expect(inv.groupsMap().ungrouped).toEqual(['alpha', 'beta']);
    expect(inv.hostVars('beta')).toEqual({ ansible_port: 2222 });
  });
});
