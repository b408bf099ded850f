/** Syntax drover does not run is an error before rendering; templates are compiled once. */
import { describe, expect, it } from 'vitest';
import { TemplateSyntaxError } from '../../src/template/errors.js';
import { compile } from '../../src/template/jinja/program.js';
import { findTemplateSyntaxError, renderString, renderTemplateFile } from '../../src/template/render.js';

describe('template syntax', () => {
  it.each([
    ['{% if x %}open', /end of template|endif/],
    ['{{ x | no_such_filter }}', /no filter named 'no_such_filter'/],
    ['{{ x is no_such_test }}', /no test named 'no_such_test'/],
    ["{% include 'other.j2' %}", /include/],
    ["{% extends 'base.j2' %}", /extends/],
    ['{% with a = 1 %}{% endwith %}', /with/],
    ['{% for x in xs recursive %}{% endfor %}', /for/],
  ])('%s is a syntax error', (template, message) => {
    const error = findTemplateSyntaxError({ task: ['ok', { arg: template }] });
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error!.message).toMatch(message);
    expect(() => renderString(template, { x: 1, xs: [] })).toThrow(TemplateSyntaxError);
  });

  it('names the line of the problem in a template file', () => {
    try {
      renderTemplateFile('a\nb\n{{ x | nope }}\n', { x: 1 }, 'templates/t.j2');
      expect.unreachable();
    } catch (error) {
      expect((error as TemplateSyntaxError).message).toMatch(/templates\/t\.j2:3/);
    }
  });

  it('finds nothing wrong in good templates and plain text', () => {
    expect(findTemplateSyntaxError(['{{ a | default(1) }}', 'plain', '{% raw %}{{ }}{% endraw %}', 42])).toBe(
      undefined,
    );
  });

  it("takes Ansible's collection prefix on filters and tests", () => {
    expect(renderString('{{ x | ansible.builtin.to_json }} {{ x is ansible.builtin.string }}', { x: 'a' })).toBe(
      '"a" True',
    );
  });
});

describe('compiled templates', () => {
  it('are compiled once per source text', () => {
    expect(compile('{{ a }}-{{ b }}', 'playbook')).toBe(compile('{{ a }}-{{ b }}', 'playbook'));
    expect(compile('{{ a }}-{{ b }}', 'file')).not.toBe(compile('{{ a }}-{{ b }}', 'playbook'));
  });

  it('render a converged run fast: 20,000 renders of a 20-line template in well under a second each 1,000', () => {
    const template = Array.from({ length: 20 }, (_, i) => `line ${i} {{ app }} {{ port | int + ${i} }}`).join('\n');
    const vars = { app: 'shop', port: '8000' };
    renderString(template, vars);
    const started = performance.now();
    for (let i = 0; i < 20000; i++) renderString(template, vars);
    const perThousand = (performance.now() - started) / 20;
    expect(perThousand).toBeLessThan(500);
  });
});
