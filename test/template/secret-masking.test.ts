/**
 * A secret stays masked when a template passes it through filters: what a filter makes of a vault
 * value (base64, a replaced or upper-cased text, JSON, a hash) is masked in output as the value is.
 */
import { describe, expect, it } from 'vitest';
import { maskSecrets, MASK, registerSecret } from '../../src/secrets/mask.js';
import { renderString } from '../../src/template/render.js';

const SECRET = `vault-Pa55word-${process.pid}`;
registerSecret(SECRET);
const vars = { db_password: SECRET, user: 'app', cfg: { password: SECRET, port: 5432 } };

describe('a secret passed through filters', () => {
  it.each([
    '{{ db_password | b64encode }}',
    "{{ (user ~ ':' ~ db_password) | b64encode }}",
    "{{ db_password | regex_replace('Pa55', 'xx') }}",
    "{{ db_password | replace('-', '_') }}",
    '{{ db_password | upper }}',
    '{{ db_password.upper() }}',
    "{{ db_password.split('-') | join('+') }}",
    '{{ db_password | reverse }}',
    '{{ cfg | to_json }}',
    '{{ cfg | to_nice_json }}',
    '{{ cfg | to_nice_yaml }}',
    "{{ db_password | hash('sha256') }}",
    "{{ db_password | password_hash('sha512', 'saltsalt') }}",
    '{{ db_password | quote }}',
    '{{ db_password | urlencode }}',
  ])('%s is masked in output', (template) => {
    const rendered = renderString(`password=${template}`, vars);
    const shown = maskSecrets(rendered);
    expect(shown).toContain(MASK);
    expect(shown).not.toContain(SECRET);
    expect(shown).toMatch(/^password=(\*{8})+$|^password=[\s\S]*\*{8}/);
  });

  it('leaves what holds no secret shown', () => {
    expect(maskSecrets(renderString('{{ user | upper }} {{ cfg.port | string }}', vars))).toBe('APP 5432');
    // A number made from a secret is not a secret: lengths and counts stay shown.
    expect(maskSecrets(renderString('{{ db_password | length }}', vars))).toBe(String(SECRET.length));
  });
});
