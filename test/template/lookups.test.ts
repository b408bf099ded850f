/** The lookups: env, file, template, vars, password (stored as Ansible stores it), and pipe refused. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containsSecret } from '../../src/secrets/mask.js';
import { TemplateSyntaxError, UndefinedVariableError } from '../../src/template/errors.js';
import { renderString, renderValue } from '../../src/template/render.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-lookups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'files'));
mkdirSync(join(dir, 'templates'));
writeFileSync(join(dir, 'files', 'motd'), 'welcome to {{ app }}\n\n');
writeFileSync(join(dir, 'templates', 'line.j2'), '{% for p in ports %}\n{{ app }}:{{ p }}\n{% endfor %}\n');
const vars = { playbook_dir: dir, app: 'shop', ports: [80, 443], db_host_prod: 'db1', env: 'prod' };

describe('lookups', () => {
  it('env reads the controller environment, with a default', () => {
    process.env.DROVER_LOOKUP_TEST = 'set';
    expect(renderString("{{ lookup('env', 'DROVER_LOOKUP_TEST') }}", vars)).toBe('set');
    expect(renderString("{{ lookup('ansible.builtin.env', 'DROVER_NOT_SET', default='none') }}", vars)).toBe('none');
  });

  it('file reads a file of files/ beside the playbook as text, not as a template', () => {
    expect(renderString("{{ lookup('file', 'motd') }}", vars)).toBe('welcome to {{ app }}');
    expect(() => renderString("{{ lookup('file', 'missing') }}", vars)).toThrow(/could not find missing/);
  });

  it('template renders a template of templates/ with the variables', () => {
    expect(renderString("{{ lookup('template', 'line.j2') }}", vars)).toBe('shop:80\nshop:443\n');
    expect(renderString("{{ lookup('template', 'line.j2', template_vars={'app': 'api'}) }}", vars)).toBe(
      'api:80\napi:443\n',
    );
  });

  it('vars reads a variable by a name built at run time', () => {
    expect(renderString("{{ lookup('vars', 'db_host_' ~ env) }}", vars)).toBe('db1');
    expect(() => renderString("{{ lookup('vars', 'db_host_test') }}", vars)).toThrow(UndefinedVariableError);
  });

  it('query gives a list and lookup joins it', () => {
    expect(renderValue("{{ query('items', [1, [2, 3]]) }}", vars)).toEqual([1, [2, 3]]);
    expect(renderValue("{{ lookup('sequence', 'start=1 end=3 format=w%02d') }}", vars)).toBe('w01,w02,w03');
  });

  it('password makes a password once, stores it under the playbook directory, and reads it back', () => {
    const first = renderString("{{ lookup('password', 'credentials/db length=24 chars=ascii_letters,digits') }}", vars);
    expect(first).toMatch(/^[A-Za-z0-9]{24}$/);
    const stored = join(dir, 'credentials', 'db');
    expect(readFileSync(stored, 'utf8')).toBe(`${first}\n`);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    expect(renderString("{{ lookup('password', 'credentials/db length=24') }}", vars)).toBe(first);
    expect(containsSecret(first)).toBe(true);
  });

  it('password with encrypt= returns a stable crypt hash and stores the salt', () => {
    const hash = renderString("{{ lookup('password', 'credentials/user encrypt=sha512_crypt') }}", vars);
    expect(hash).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(readFileSync(join(dir, 'credentials', 'user'), 'utf8')).toMatch(/^\S{20} salt=\S{16}\n$/);
    expect(renderString("{{ lookup('password', 'credentials/user encrypt=sha512_crypt') }}", vars)).toBe(hash);
  });

  it('password stores nothing for /dev/null', () => {
    expect(renderString("{{ lookup('password', '/dev/null length=8') }}", vars)).toHaveLength(8);
  });

  it('refuses pipe, lines and url: rendering never runs a command', () => {
    const marker = join(dir, 'ran');
    for (const name of ['pipe', 'lines', 'url']) {
      expect(() => renderString(`{{ lookup('${name}', 'touch ${marker}') }}`, vars)).toThrow(TemplateSyntaxError);
      expect(() => renderString(`{{ lookup('${name}', 'x') }}`, vars)).toThrow(/not supported/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('names the lookups it has for one it does not know', () => {
    expect(() => renderString("{{ lookup('dig', 'example.com') }}", vars)).toThrow(/drover has: .*env.*password/);
  });
});
