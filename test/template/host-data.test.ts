/**
 * Data read from hosts is never rendered again (see src/template/inert.ts), with Jinja2 too: not
 * when read, not through filters, not as a condition, not through hostvars.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../src/template/expression.js';
import { markInert, withInertNames } from '../../src/template/inert.js';
import { renderString, renderValue } from '../../src/template/render.js';

const LITERAL = "{{ hostvars['h2'].secret }}{% raw %}";

function hostVars() {
  const registered = markInert({ stdout: LITERAL, stdout_lines: [LITERAL, 'plain'] });
  return withInertNames(
    {
      hostvars: { h2: { secret: 'other-host-secret' } },
      printed: registered,
      kept: LITERAL,
      items: markInert([LITERAL]),
      wrapped: 'before {{ printed.stdout }} after',
    },
    ['printed', 'kept'],
  );
}

describe('text read from a host', () => {
  it('arrives as written wherever it is read', () => {
    const vars = hostVars();
    expect(renderString('{{ printed.stdout }}', vars)).toBe(LITERAL);
    expect(renderString('{{ kept }}', vars)).toBe(LITERAL);
    expect(renderString('{{ wrapped }}', vars)).toBe(`before ${LITERAL} after`);
    expect(renderValue('{{ printed.stdout_lines }}', vars)).toEqual([LITERAL, 'plain']);
    expect(renderString('{% for l in printed.stdout_lines %}{{ l }}|{% endfor %}', vars)).toBe(`${LITERAL}|plain|`);
    expect(renderString('{{ items[0] | trim }}', vars)).toBe(LITERAL);
    expect(renderString('{{ printed.stdout | regex_replace("x", "x") }}', vars)).toBe(LITERAL);
  });

  it('keeps its identity as a whole value, so it stays inert when passed on', () => {
    const vars = hostVars();
    expect(renderValue('{{ printed }}', vars)).toBe(vars.printed);
    expect(renderValue({ a: '{{ items }}' }, vars)).toEqual({ a: vars.items });
  });

  it('is compared as text in a condition, never evaluated', () => {
    const vars = hostVars();
    expect(evaluateCondition('printed.stdout == kept', vars)).toBe(true);
    expect(evaluateCondition('{{ printed.stdout }}', vars)).toBe(true);
  });

  it('does not hide a template of the playbook that reads the same', () => {
    const vars = withInertNames({ ...hostVars(), own: "{{ hostvars['h2'].secret }}" }, []);
    expect(renderString('{{ own }}', vars)).toBe('other-host-secret');
  });
});
