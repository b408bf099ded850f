import { describe, expect, it } from 'vitest';
import { measureEdits, suggestName } from '../src/suggest.js';

describe('suggestName', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(measureEdits('fiel', 'file')).toBe(1);
    expect(measureEdits('fiel', 'fail')).toBe(2);
    expect(measureEdits('become', 'become')).toBe(0);
    expect(measureEdits('', 'abc')).toBe(3);
  });

  it('prefers a name that fits over one a single edit closer, never one too far away', () => {
    expect(suggestName('fial', ['fail', 'file'])).toBe('fail');
    expect(suggestName('fial', ['fail', 'file'], (name) => name === 'file')).toBe('file');
    expect(suggestName('copy', ['apt', 'zzzzzz'], () => true)).toBeUndefined();
    expect(suggestName('x', [])).toBeUndefined();
  });
});
