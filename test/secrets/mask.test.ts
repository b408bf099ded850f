import { describe, expect, it } from 'vitest';
import { maskSecrets, maskValue, registerSecret } from '../../src/secrets/mask.js';

describe('secret masking', () => {
  it('masks every registered value in text, longest first', () => {
    registerSecret('hunter22');
    registerSecret('hunter22-extended');
    expect(maskSecrets('a hunter22-extended b hunter22 c')).toBe('a ******** b ******** c');
  });

  it('registers every value inside lists and maps (secret_env)', () => {
    registerSecret({ DB_PASSWORD: 'map-secret-1', OTHER: ['list-secret-2'] });
    expect(maskSecrets('map-secret-1 list-secret-2')).toBe('******** ********');
  });

  it('masks strings anywhere inside a report', () => {
    registerSecret('report-secret-3');
    expect(maskValue({ tasks: [{ msg: 'x report-secret-3 y' }], n: 1 })).toEqual({
      tasks: [{ msg: 'x ******** y' }],
      n: 1,
    });
  });

  it('ignores values too short to mask without wrecking output', () => {
    registerSecret('ab');
    expect(maskSecrets('abc')).toBe('abc');
  });
});
