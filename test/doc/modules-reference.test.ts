import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const DOCS = fileURLToPath(new URL('../../docs/modules.md', import.meta.url));

describe('docs/modules.md', () => {
  it('is what drover doc --markdown prints (regenerate it with: drover doc --markdown > docs/modules.md)', async () => {
    const generated = await runCli(['doc', '--markdown']);
    expect(generated.code).toBe(0);
    expect(readFileSync(DOCS, 'utf8')).toBe(generated.stdout);
  });

  it('takes a module under its ansible.builtin name', async () => {
    const plain = await runCli(['doc', 'copy']);
    const prefixed = await runCli(['doc', 'ansible.builtin.copy']);
    expect(prefixed.code).toBe(0);
    expect(prefixed.stdout).toBe(plain.stdout);
  });
});
