import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../../src/modules/lib/probe/probe-fields.js';

describe('decodeText', () => {
  it('keeps a leading byte order mark, so a file that starts with one is written back whole', () => {
    const bytes = Buffer.from('\ufeffkey=value\n', 'utf8');
    expect(decodeText(bytes)).toBe('\ufeffkey=value\n');
    expect(Buffer.from(decodeText(bytes)!, 'utf8')).toEqual(bytes);
  });

  it('reads invalid UTF-8 and NUL bytes as binary', () => {
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x41]))).toBeUndefined();
    expect(decodeText(Buffer.from('a\0b'))).toBeUndefined();
  });
});
