import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../src/cli/extra-vars.js';

describe('-e values', () => {
  it('merges KEY=VALUE, JSON maps and @files in order; KEY=VALUE stays a string', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-e-'));
    const file = join(dir, 'vars.yml');
    writeFileSync(file, 'port: 8080\nhosts: [a, b]\n');
    expect(parseExtraVars(['app=shop version=1.2', `@${file}`, '{"port": 9000}'])).toEqual({
      app: 'shop',
      version: '1.2',
      port: 9000,
      hosts: ['a', 'b'],
    });
  });

  it('keeps quoted values with spaces', () => {
    expect(parseExtraVars([`msg="hello world"`])).toEqual({ msg: 'hello world' });
  });

  it('explains a value it cannot read', () => {
    expect(() => parseExtraVars(['justaword'])).toThrow(/expected KEY=VALUE/);
    expect(() => parseExtraVars(['@/nonexistent/vars.yml'])).toThrow(/cannot read \/nonexistent\/vars.yml/);
  });
});
