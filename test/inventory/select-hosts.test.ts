import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../../src/inventory/index.js';
import { FIXTURES, writeInventory } from './write-inventory.js';

describe('host patterns', () => {
  let inv: Inventory;
  beforeAll(async () => {
    inv = await loadInventory([join(FIXTURES, 'guide.ini')]);
  });

  it('selects all hosts with all or *, in inventory order', () => {
    expect(inv.selectHosts('all')).toEqual(inv.hostNames());
    expect(inv.selectHosts('*')).toEqual(inv.hostNames());
    expect(inv.selectHosts('ungrouped')).toEqual(['mail.example.com']);
  });

  it('selects a group (with its children) or a single host', () => {
    expect(inv.selectHosts('southeast')).toEqual(['host1', 'host2', 'host3']);
    expect(inv.selectHosts('host3')).toEqual(['host3']);
  });

  it('unions with : and , and returns hosts in inventory order', () => {
    expect(inv.selectHosts('raleigh:dbservers')).toEqual([
      'one.example.com',
      'two.example.com',
      'three.example.com',
      'host2',
      'host3',
    ]);
    expect(inv.selectHosts('raleigh,atlanta')).toEqual(['host1', 'host2', 'host3']);
  });

  it('intersects with :& and excludes with :!', () => {
    expect(inv.selectHosts('atlanta:&raleigh')).toEqual(['host2']);
    expect(inv.selectHosts('southeast:!raleigh')).toEqual(['host1']);
    expect(inv.selectHosts('!dbservers:!webservers:!usa')).toEqual(['mail.example.com']);
    // Exclusions apply after all unions, wherever they are written.
    expect(inv.selectHosts('!atlanta:southeast')).toEqual(['host3']);
  });

  it('matches globs against groups and hosts', () => {
    expect(inv.selectHosts('www*')).toEqual(['www01.example.com', 'www02.example.com', 'www03.example.com']);
    expect(inv.selectHosts('*.example.com:!webservers')).toEqual([
      'mail.example.com',
      'one.example.com',
      'two.example.com',
      'three.example.com',
    ]);
    // As in Ansible, [13] after a name is a subscript (the 14th host of "host"), not a character class.
    expect(inv.selectHosts('host[13]')).toEqual([]);
    expect(inv.selectHosts('ho?t[!2]')).toEqual(['host1', 'host3']);
    expect(inv.selectHosts('*east')).toEqual(['host1', 'host2', 'host3']);
  });

  it('matches regular expressions after ~ from the start of the name', () => {
    expect(inv.selectHosts('~(www|one)\\d*\\.example')).toEqual([
      'www01.example.com',
      'www02.example.com',
      'www03.example.com',
      'one.example.com',
    ]);
    expect(inv.selectHosts('~example')).toEqual([]);
    expect(() => inv.selectHosts('~web(')).toThrow(/invalid regular expression/);
  });

  it('takes subscripts of a group: [i], [-1], [i:j] inclusive, [i:]', () => {
    expect(inv.selectHosts('webservers[0]')).toEqual(['foo.example.com']);
    expect(inv.selectHosts('webservers[-1]')).toEqual(['www03.example.com']);
    expect(inv.selectHosts('webservers[1:2]')).toEqual(['bar.example.com', 'www01.example.com']);
    expect(inv.selectHosts('webservers[3:]')).toEqual(['www02.example.com', 'www03.example.com']);
    expect(inv.selectHosts('webservers[9]')).toEqual([]);
  });

  it('returns [] for a pattern that matches nothing', () => {
    expect(inv.selectHosts('nosuchgroup')).toEqual([]);
    expect(inv.selectHosts('nosuch*:&webservers')).toEqual([]);
    expect(inv.selectHosts('')).toEqual([]);
  });

  it('reads @FILE as one pattern per line (a --limit file)', () => {
    const dir = writeInventory({});
    writeFileSync(join(dir, 'retry'), 'host1\nwww02.example.com\n\n');
    expect(inv.selectHosts(`@${join(dir, 'retry')}`)).toEqual(['www02.example.com', 'host1']);
  });

  it('provides an implicit localhost, as Ansible does, when the inventory does not declare one', async () => {
    expect(inv.selectHosts('localhost')).toEqual(['localhost']);
    expect(inv.selectHosts('all')).not.toContain('localhost');
    expect(inv.hasHost('localhost')).toBe(true);
    expect(inv.hostVars('localhost')).toEqual({ ansible_connection: 'local' });
    const declared = await loadInventory(['localhost,']);
    expect(declared.hostVars('localhost')).toEqual({});
    expect(declared.selectHosts('all')).toEqual(['localhost']);
  });
});
