import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { FIXTURES, writeInventory } from './write-inventory.js';

describe('INI inventories', () => {
  it('reads the inventory guide example: ungrouped hosts, groups, ranges, nested children', async () => {
    const inv = await loadInventory([join(FIXTURES, 'guide.ini')]);
    expect(inv.hostNames()).toEqual([
      'mail.example.com',
      'foo.example.com',
      'bar.example.com',
      'www01.example.com',
      'www02.example.com',
      'www03.example.com',
      'one.example.com',
      'two.example.com',
      'three.example.com',
      'host1',
      'host2',
      'host3',
    ]);
    const groups = inv.groupsMap();
    expect(groups.ungrouped).toEqual(['mail.example.com']);
    expect(groups.southeast).toEqual(['host1', 'host2', 'host3']);
    expect(groups.usa).toEqual(['host1', 'host2', 'host3']);
    expect(groups.all).toHaveLength(12);
    expect(inv.groupsOf('host2')).toEqual(['all', 'usa', 'southeast', 'atlanta', 'raleigh']);
    expect(inv.groupsOf('mail.example.com')).toEqual(['all', 'ungrouped']);
  });

  it('reads inline host vars like Ansible: Python literals, quotes removed, host:port', async () => {
    const inv = await loadInventory([join(FIXTURES, 'guide.ini')]);
    expect(inv.hostVars('foo.example.com')).toEqual({ http_port: 80, maxRequestsPerChild: 808 });
    expect(inv.hostVars('bar.example.com')).toEqual({
      ansible_port: 2222,
      motd: 'hello world',
      x: 5,
      y: [1, 2],
      pw: '03#pa33w0rd',
    });
  });

  it('reads [group:vars] values through the same literal rules, with comments after numbers dropped', async () => {
    const inv = await loadInventory([join(FIXTURES, 'guide.ini')]);
    expect(inv.groupVars('southeast')).toEqual({
      some_server: 'foo.southeast.example.com',
      halon_system_timeout: 30,
      self_destruct_countdown: 60,
      escape_pods: 2,
      flag: false,
      name: 'quoted value',
    });
    expect(inv.hostVars('host3').some_server).toBe('foo.southeast.example.com');
  });

  it('keeps YAML-only booleans and other non-literals as strings', async () => {
    const dir = writeInventory({
      'hosts.ini': [
        '[app]',
        'app1 enabled=yes debug=true octal=0644 text=hello big=12345678901234567890',
        '[app:vars]',
        'greeting=hello world',
        'answer=yes',
        'quoted="42"',
        'empty=',
        '; a comment',
        '# another',
      ].join('\n'),
    });
    const inv = await loadInventory([join(dir, 'hosts.ini')]);
    expect(inv.hostVars('app1')).toEqual({
      greeting: 'hello world',
      answer: 'yes',
      quoted: '42',
      empty: '',
      enabled: 'yes',
      debug: 'true',
      octal: '0644',
      text: 'hello',
      big: '12345678901234567890',
    });
  });

  it('ends a host line at an unquoted #, and keeps # inside quotes', async () => {
    const dir = writeInventory({ hosts: '[db]\ndb1 note="a # b" pass=abc#def more=1\n' });
    const inv = await loadInventory([join(dir, 'hosts')]);
    expect(inv.hostVars('db1')).toEqual({ pass: 'abc', note: 'a # b' });
  });

  it('accepts a group referenced in :children or :vars before its own section', async () => {
    const dir = writeInventory({
      'hosts.ini': '[prod:children]\nweb\n\n[web:vars]\nport=8080\n\n[web]\nw1\n',
    });
    const inv = await loadInventory([join(dir, 'hosts.ini')]);
    expect(inv.groupsOf('w1')).toEqual(['all', 'prod', 'web']);
    expect(inv.hostVars('w1')).toEqual({ port: 8080 });
  });

  it('puts a host in several groups and merges their vars', async () => {
    const dir = writeInventory({ 'hosts.ini': '[g1]\nhost4\n[g2]\nhost4\n[g1:vars]\na=1\n[g2:vars]\nb=2\n' });
    const inv = await loadInventory([join(dir, 'hosts.ini')]);
    expect(inv.groupsOf('host4')).toEqual(['all', 'g1', 'g2']);
    expect(inv.hostVars('host4')).toEqual({ a: 1, b: 2 });
    expect(inv.groupsMap().ungrouped).toEqual([]);
  });
});
