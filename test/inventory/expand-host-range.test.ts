import { describe, expect, it } from 'vitest';
import { expandHostRange } from '../../src/inventory/index.js';
import { InventoryError } from '../../src/inventory/index.js';

describe('host ranges', () => {
  it('expands numbers, keeping zero padding', () => {
    expect(expandHostRange('web[01:03].example.com')).toEqual([
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
    ]);
    expect(expandHostRange('node[8:10]')).toEqual(['node8', 'node9', 'node10']);
  });

  it('expands letters, steps and several ranges in one name', () => {
    expect(expandHostRange('db-[a:c]')).toEqual(['db-a', 'db-b', 'db-c']);
    expect(expandHostRange('h[1:7:3]')).toEqual(['h1', 'h4', 'h7']);
    expect(expandHostRange('r[1:2]-[a:b]')).toEqual(['r1-a', 'r1-b', 'r2-a', 'r2-b']);
    expect(expandHostRange('plain.example.com')).toEqual(['plain.example.com']);
  });

  it('rejects malformed ranges with a fix', () => {
    expect(() => expandHostRange('web[01:100]')).toThrow(/same width/);
    expect(() => expandHostRange('web[c:a]')).toThrow(/begin <= end/);
    expect(() => expandHostRange('web[1:]')).toThrow(/no end value/);
    expect(() => expandHostRange('web[1]')).toThrow(InventoryError);
  });
});
