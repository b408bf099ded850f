/**
 * An undefined variable is an error naming it, with where it was read (the template file and its
 * line, when the template is a file) and the closest defined name.
 */
import { describe, expect, it } from 'vitest';
import { UndefinedVariableError } from '../../src/template/errors.js';
import { evaluateCondition } from '../../src/template/expression.js';
import { renderString, renderTemplateFile, renderValue } from '../../src/template/render.js';

function failure(fn: () => unknown): UndefinedVariableError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UndefinedVariableError) return error;
    throw error;
  }
  throw new Error('expected an UndefinedVariableError');
}

describe('an undefined variable', () => {
  it('is named, with the closest defined name', () => {
    const error = failure(() => renderString('listen {{ server_nme }}', { server_name: 'shop', port: 80 }));
    expect(error.variable).toBe('server_nme');
    expect(error.suggestion).toBe('server_name');
    expect(error.message).toBe("undefined variable 'server_nme' (did you mean 'server_name'?)");
  });

  it('names the key of a dict that is missing, and the closest key', () => {
    const error = failure(() => renderValue('{{ db.hots }}', { db: { host: 'db1', port: 5432 } }));
    expect(error.variable).toBe('db.hots');
    expect(error.hint).toBe("did you mean 'host'?");
    expect(failure(() => renderString("{{ groups['webb'][0] }}", { groups: { web: [] } })).variable).toBe(
      "groups['webb']",
    );
  });

  it('gives no suggestion when nothing is close', () => {
    expect(failure(() => renderString('{{ zzz }}', { app: 1 })).suggestion).toBeUndefined();
  });

  it('names the template file and the line it is read on', () => {
    const error = failure(() =>
      renderTemplateFile(
        'server {\n  listen 80;\n  root {{ web_rot }};\n}\n',
        { web_root: '/srv' },
        'templates/site.j2',
      ),
    );
    expect(error.file).toBe('templates/site.j2');
    expect(error.line).toBe(3);
    expect(error.message).toBe("undefined variable 'web_rot' in templates/site.j2:3 (did you mean 'web_root'?)");
  });

  it('names the line inside a loop and an if, too', () => {
    const source = '{% for u in users %}\n{% if u.admin %}\n{{ u.name }} {{ u.shel }}\n{% endif %}\n{% endfor %}\n';
    const error = failure(() =>
      renderTemplateFile(source, { users: [{ name: 'a', admin: true, shell: 'sh' }] }, 't.j2'),
    );
    expect(error.variable).toBe('u.shel');
    expect(error.line).toBe(3);
    expect(error.suggestion).toBe('shell');
  });

  it('read through another variable is named, at the line where that variable is used', () => {
    const error = failure(() =>
      renderTemplateFile('a\n{{ app_dir }}\n', { app_dir: '/opt/{{ ap }}', app: 'shop' }, 'x.j2'),
    );
    expect(error.variable).toBe('ap');
    expect(error.suggestion).toBe('app');
    expect(error.line).toBe(2);
  });

  it('fails filters and operators but not is defined or default', () => {
    expect(renderString('{{ nope | default("d") }} {{ nope is defined }} {{ nope.x is undefined }}', {})).toBe(
      'd False True',
    );
    for (const template of [
      '{{ nope | upper }}',
      '{{ nope + 1 }}',
      '{{ nope ~ "x" }}',
      '{% for x in nope %}{% endfor %}',
    ])
      expect(failure(() => renderString(template, {})).variable).toBe('nope');
    expect(failure(() => evaluateCondition('nope == 1', {})).variable).toBe('nope');
    expect(failure(() => evaluateCondition('nope', {})).variable).toBe('nope');
  });

  it('given to mandatory fails, naming it', () => {
    expect(failure(() => renderString('{{ db_password | mandatory }}', {})).variable).toBe('db_password');
  });
});
