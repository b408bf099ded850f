import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { loadError } from './write-inventory.js';

describe('inventory errors name the file, the line and a fix', () => {
  it('YAML syntax errors give file:line:column and a code frame', async () => {
    const error = await loadError(
      { 'hosts.yml': 'all:\n  hosts:\n    web1:\n      x: [1, 2\n    web2:\n' },
      'hosts.yml',
    );
    expect(error.file).toMatch(/hosts\.yml$/);
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/hosts\.yml:\d+:\d+: YAML syntax error/);
    expect(error.message).toMatch(/fix: /);
    expect(error.message).toMatch(/> +\d+ \|/);
  });

  it('a host list written as a YAML list points at the list', async () => {
    const error = await loadError({ 'hosts.yml': 'web:\n  hosts:\n    - web1\n    - web2\n' }, 'hosts.yml');
    expect(error.line).toBe(3);
    expect(error.problem).toBe('"hosts" of group "web" must be a map, found a list');
    expect(error.hint).toMatch(/"- web1" list is not valid/);
  });

  it('a YAML inventory that is not a map of groups', async () => {
    const error = await loadError({ 'hosts.yml': '- web1\n- web2\n' }, 'hosts.yml');
    expect(error.message).toMatch(/hosts\.yml:1:1: a YAML inventory must be a map of group names/);
  });

  it('an inventory plugin configuration is refused with a way out', async () => {
    const error = await loadError(
      { 'aws_ec2.yml': 'plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n' },
      'aws_ec2.yml',
    );
    expect(error.problem).toMatch(/inventory plugin configuration \(plugin: amazon\.aws\.aws_ec2\)/);
    expect(error.hint).toMatch(/ansible-inventory/);
  });

  it('INI: a :children entry naming an undeclared group gives the line of the entry', async () => {
    const error = await loadError({ 'hosts.ini': '[web]\nw1\n\n[prod:children]\nweb\ndb\n' }, 'hosts.ini');
    expect(error.line).toBe(6);
    expect(error.message).toMatch(/hosts\.ini:6: section \[prod:children\] names group "db", which is not declared/);
    expect(error.hint).toMatch(/add a \[db\] section/);
  });

  it('INI: :vars for an undeclared group, a vars line without =, a bad section type, a bad host variable', async () => {
    expect((await loadError({ 'h.ini': '[w]\na\n[db:vars]\nx=1\n' }, 'h.ini')).message).toMatch(
      /h\.ini:3: section \[db:vars\] is for group "db", which is not declared/,
    );
    expect((await loadError({ 'h.ini': '[w]\na\n[w:vars]\njust words\n' }, 'h.ini')).message).toMatch(
      /h\.ini:4:1: expected key=value in \[w:vars\]/,
    );
    expect((await loadError({ 'h.ini': '[w:hostz]\n' }, 'h.ini')).message).toMatch(
      /h\.ini:1:1: section \[w:hostz\] has unknown type/,
    );
    const error = await loadError({ 'h.ini': '[w]\n  a1 ansible_host=1.2.3.4 oops\n' }, 'h.ini');
    expect(error.message).toMatch(/h\.ini:2:3: expected key=value after host "a1", got "oops"/);
    expect(error.hint).toMatch(/quote values with spaces/);
  });

  it('INI: an unclosed quote and a bad host range', async () => {
    expect((await loadError({ 'h.ini': '[w]\na1 motd="hello\n' }, 'h.ini')).message).toMatch(
      /h\.ini:2:1: cannot read host line .*no closing quotation/,
    );
    const range = await loadError({ 'h.ini': '[w]\n\nweb[01:100]\n' }, 'h.ini');
    expect(range.line).toBe(3);
    expect(range.problem).toMatch(/invalid host range in "web\[01:100\]"/);
  });

  it('YAML written into an INI file says so', async () => {
    const error = await loadError({ 'hosts.ini': 'all:\n  hosts:\n    a:\n' }, 'hosts.ini');
    expect(error.message).toMatch(/hosts\.ini:1:1: "all:" looks like YAML/);
  });

  it('a group that would contain itself', async () => {
    const error = await loadError({ 'h.ini': '[a:children]\nb\n[b:children]\na\n' }, 'h.ini');
    expect(error.problem).toMatch(/makes a loop/);
    expect(error.file).toMatch(/h\.ini$/);
  });

  it('a source that does not exist suggests the host-list form', async () => {
    await expect(loadInventory(['/nonexistent/web1'])).rejects.toThrow(
      /inventory source "\/nonexistent\/web1" does not exist[\s\S]*-i '\/nonexistent\/web1,'/,
    );
  });

  it('a dynamic inventory script is refused, not misread', async () => {
    const error = await loadError({ 'ec2.py': '#!/usr/bin/env python3\nprint("{}")\n' }, 'ec2.py');
    expect(error.problem).toMatch(/dynamic inventory script/);
  });

  it('InventoryError keeps the cause', async () => {
    const error = await loadError({ 'hosts.yml': 'all: [\n' }, 'hosts.yml');
    expect(error.cause).toBeDefined();
    expect(error.name).toBe('InventoryError');
  });
});
