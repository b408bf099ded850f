import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { colourDiff } from '../../src/report/colour-diff.js';

const style = new Chalk({ level: 1 });

describe('colourDiff', () => {
  it('colours added, removed and hunk lines but not the file headers, and drops the final newline', () => {
    const patch = '--- a (on host)\n+++ a (wanted)\n@@ -1 +1 @@\n-old\n+new\n same\n';
    expect(colourDiff(patch, style).split('\n')).toEqual([
      '--- a (on host)',
      '+++ a (wanted)',
      '\u001b[36m@@ -1 +1 @@\u001b[39m',
      '\u001b[31m-old\u001b[39m',
      '\u001b[32m+new\u001b[39m',
      ' same',
    ]);
  });

  it('leaves the text as is without colour support', () => {
    expect(colourDiff('-a\n+b\n', new Chalk({ level: 0 }))).toBe('-a\n+b');
  });
});
