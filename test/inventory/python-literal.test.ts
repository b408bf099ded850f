import { describe, expect, it } from 'vitest';
import { parseIniValue } from '../../src/inventory/python-literal.js';

describe('INI values read as Python literals (ast.literal_eval, as Ansible does)', () => {
  it.each([
    ['8080', 8080],
    ['-3', -3],
    ['1_000', 1000],
    ['0x1F', 31],
    ['0o755', 0o755],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['True', true],
    ['False', false],
    ['None', null],
    ["'8080'", '8080'],
    ['"a b"', 'a b'],
    ["'it''s'", 'its'],
    ['"tab\\there"', 'tab\there'],
    ["r'C:\\new'", 'C:\\new'],
    ['[1, "two", [3]]', [1, 'two', [3]]],
    ['(1, 2)', [1, 2]],
    ['1, 2', [1, 2]],
    ['()', []],
    ['{"a": 1, "b": [True]}', { a: 1, b: [true] }],
    ['{1, 2}', [1, 2]],
    ['80 # a comment', 80],
  ])('%s -> %j', (text, value) => {
    expect(parseIniValue(text)).toEqual(value);
  });

  it.each([
    'true',
    'yes',
    'FALSE',
    'hello',
    'a b',
    '0644',
    '02,06',
    '56L',
    '10.0.0.1',
    ' 5',
    '',
    '"unterminated',
    'f"x"',
    'hello # not a comment',
  ])('keeps %j as the text written', (text) => {
    expect(parseIniValue(text)).toBe(text);
  });
});
