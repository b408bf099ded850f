/**
 * Rendering never runs code on the controller: a template reaches the keys of dicts, the items of
 * lists and the Python methods of str, list and dict, and nothing of JavaScript (no prototype,
 * constructor, process or require), whatever it is written like.
 */
import { describe, expect, it } from 'vitest';
import { TemplateSyntaxError, UndefinedVariableError } from '../../src/template/errors.js';
import { evaluateCondition } from '../../src/template/expression.js';
import { renderString, renderTemplateFile, renderValue } from '../../src/template/render.js';

const canary = globalThis as { __droverPwned?: unknown };
const vars = { name: 'shop', items: [1, 2], d: { a: 1 }, empty: {} };

const HOSTILE = [
  "{{ range.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ name.constructor.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ lookup.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ cycler.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ namespace().constructor.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ d['constructor']['constructor']('globalThis.__droverPwned = 1')() }}",
  "{{ d.__proto__.constructor.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ items.map.constructor('globalThis.__droverPwned = 1')() }}",
  '{{ name.split.call(name) }}',
  "{{ name.split.apply.constructor('globalThis.__droverPwned = 1')() }}",
  "{{ d | attr('constructor') | attr('constructor') }}",
  "{{ items | map('constructor') | list }}",
  "{{ d.items.constructor('globalThis.__droverPwned = 1')() }}",
  '{{ process.exit(1) }}',
  '{{ process.mainModule }}',
  "{{ require('child_process') }}",
  '{{ globalThis.__droverPwned }}',
  '{{ this }}',
  '{{ constructor }}',
  '{{ __proto__ }}',
  '{{ Function }}',
  "{{ ''.__class__.__mro__ }}",
  '{{ self }}',
  // Text that would close a string or a call of the generated code.
  "{{ d['\\\\\"); globalThis.__droverPwned = 1; //'](1) }}",
  "{{ d['\\u2028globalThis.__droverPwned = 1'] }}",
  '{{ a";globalThis.__droverPwned=1;" }}',
  '{% macro m(a"); globalThis.__droverPwned = 1; //) %}{% endmacro %}',
  '{{ x | upper"); globalThis.__droverPwned = 1; //" }}',
  '{{ r/x/ }}',
  "{{ lookup('pipe', 'touch /tmp/drover-pwned') }}",
  "{{ query('lines', 'touch /tmp/drover-pwned') }}",
  "{% include '/etc/passwd' %}",
  "{% import 'x' as y %}",
  "{% extends '/etc/passwd' %}",
  '{% set x = [] %}{{ x.constructor.constructor }}',
  '{{ range(10000000) | length }}',
];

describe('a hostile template', () => {
  it.each(HOSTILE)('%s fails, runs nothing', (template) => {
    delete canary.__droverPwned;
    for (const render of [
      () => renderString(template, vars),
      () => renderValue(template, vars),
      () => renderTemplateFile(template, vars, 'hostile.j2'),
    ]) {
      let outcome: unknown;
      try {
        outcome = render();
      } catch (error) {
        expect(error instanceof TemplateSyntaxError || error instanceof UndefinedVariableError, String(error)).toBe(
          true,
        );
        continue;
      }
      // The few that render read nothing of JavaScript.
      expect(String(outcome)).not.toMatch(/function|native code|\[object/);
    }
    expect(canary.__droverPwned).toBeUndefined();
  });

  it('cannot reach JavaScript from a condition', () => {
    for (const condition of [
      "range.constructor('globalThis.__droverPwned = 1')()",
      'process is defined',
      'constructor is defined',
      "d.constructor is defined or d['__proto__'] is defined",
    ]) {
      try {
        expect(evaluateCondition(condition, vars)).toBe(false);
      } catch (error) {
        expect(error instanceof TemplateSyntaxError || error instanceof UndefinedVariableError).toBe(true);
      }
    }
    expect(canary.__droverPwned).toBeUndefined();
  });

  it('cannot change a variable of the play', () => {
    const play = { items: [1, 2], d: { a: 1 } };
    expect(() => renderString('{{ items.append(3) }}', play)).toThrow(TemplateSyntaxError);
    expect(() => renderString("{{ d.update({'a': 2}) }}", play)).toThrow(TemplateSyntaxError);
    expect(play).toEqual({ items: [1, 2], d: { a: 1 } });
    // Its own lists and dicts a template may change.
    expect(renderString('{% set l = [] %}{% set _ = l.append(1) %}{{ l }}', play)).toBe('[1]');
  });

  it('treats own keys named like JavaScript internals as plain data', () => {
    const data = JSON.parse('{"__proto__": "p", "constructor": "c"}');
    expect(renderString("{{ d['__proto__'] }} {{ d.constructor }}", { d: data })).toBe('p c');
  });
});
