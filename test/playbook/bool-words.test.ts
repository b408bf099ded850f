import { describe, expect, it } from 'vitest';
import { BOOL_WORD_PATTERN, boolFilter, parseBoolWord, readBoolean } from '../../src/bool-words.js';
import { parseBoolWord as hostVarsParseBoolWord } from '../../src/connection/host-vars.js';
import { boolField } from '../../src/modules/lib/fields/schema-fields.js';
import { optionalBoolField } from '../../src/modules/lib/fields/optional-bool-field.js';
import { applyFilters } from '../../src/template/filters.js';

// ansible-core 2.14, module_utils/parsing/convert_bool.py: BOOLEANS_TRUE and BOOLEANS_FALSE.
const ANSIBLE_TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const ANSIBLE_FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

describe('the boolean words, one table for the whole program', () => {
  it("are Ansible's boolean() words, in any case and with spaces around", () => {
    for (const word of ANSIBLE_TRUE)
      for (const spelled of [word, word.toUpperCase(), ` ${word} `]) expect(parseBoolWord(spelled), spelled).toBe(true);
    for (const word of ANSIBLE_FALSE)
      for (const spelled of [word, word.toUpperCase(), ` ${word} `])
        expect(parseBoolWord(spelled), spelled).toBe(false);
    for (const other of ['', 'maybe', 'yess', '2', 'nope', 'truee'])
      expect(parseBoolWord(other), other).toBeUndefined();
  });

  it('take the numbers 1 and 0 as Ansible does, and no other number', () => {
    expect([readBoolean(1), readBoolean(0), readBoolean(true), readBoolean(2), readBoolean(null)]).toEqual([
      true,
      false,
      true,
      undefined,
      undefined,
    ]);
  });

  it('as a pattern without flags (for JSON Schema), accept exactly the words', () => {
    for (const word of [...ANSIBLE_TRUE, ...ANSIBLE_FALSE]) {
      expect(BOOL_WORD_PATTERN.test(word)).toBe(true);
      expect(BOOL_WORD_PATTERN.test(` ${word.toUpperCase()} `)).toBe(true);
    }
    expect(BOOL_WORD_PATTERN.test('maybe')).toBe(false);
    expect(BOOL_WORD_PATTERN.flags).toBe('');
  });

  it('are what module fields and inventory connection variables read', () => {
    for (const word of [...ANSIBLE_TRUE, ...ANSIBLE_FALSE]) {
      const value = ANSIBLE_TRUE.includes(word);
      expect(boolField(false).parse(word.toUpperCase()), word).toBe(value);
      expect(optionalBoolField().parse(word), word).toBe(value);
      expect(hostVarsParseBoolWord(word), word).toBe(value);
    }
    expect(boolField(false).safeParse('maybe').success).toBe(false);
  });

  it('the bool filter behaves as Ansible 2.14 to_bool: four words as true, no trimming, None stays None', () => {
    // From ansible-playbook 2.14 with msg: "{{ [ 'yes'|bool, 'Yes'|bool, ... ] }}".
    const inputs: unknown[] = [
      'yes',
      'Yes',
      ' yes',
      'y',
      't',
      'on',
      '1',
      1,
      1.0,
      2,
      'TRUE',
      'maybe',
      null,
      true,
      false,
      0,
      [1],
    ];
    const ansible = [
      true,
      true,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      false,
      true,
      false,
      null,
      true,
      false,
      false,
      false,
    ];
    expect(inputs.map(boolFilter)).toEqual(ansible);
    expect(inputs.map((input) => applyFilters(input, false, 'x', [{ name: 'bool', args: [] }]))).toEqual(ansible);
  });
});
