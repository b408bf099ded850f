import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderKeywordReference } from '../../src/doc/keyword-reference.js';
import { KEYWORDS } from '../../src/playbook/keywords/declarations.js';

const DOC = fileURLToPath(new URL('../../docs/playbook-keywords.md', import.meta.url));

describe('the playbook keyword reference', () => {
  it('is docs/playbook-keywords.md, as `drover schema --markdown` writes it', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderKeywordReference());
  });

  it('has one row per declared keyword, with where it may be written', () => {
    const text = renderKeywordReference();
    for (const name of Object.keys(KEYWORDS)) expect(text).toMatch(new RegExp(`^\\| \`${name}\``, 'm'));
    expect(text).toContain('| `become` | play, block, task, include, import_role, role entry | true or false |');
    expect(text).toContain('| `check_mode` | task | true or false |');
  });
});
