import { describe, expect, it } from 'vitest';
import { renderString, renderValue } from '../../src/template/render.js';
import { UndefinedVariableError } from '../../src/template/errors.js';

describe('renderString', () => {
  it('does not HTML-escape values', () => {
    expect(renderString('{{ v }}', { v: `<a href="x">&'` })).toBe(`<a href="x">&'`);
  });

  it('fails on an undefined variable, naming it', () => {
    expect(() => renderString('port {{ nginx_port }}', {})).toThrow(UndefinedVariableError);
    expect(() => renderString('port {{ nginx_port }}', {})).toThrow(/nginx_port/);
  });

  it('fails on an undefined nested key', () => {
    expect(() => renderString('{{ db.host }}', { db: {} })).toThrow(/db\.host/);
  });

  it('reads dotted names and Ansible subscripts', () => {
    const vars = { groups: { backend: ['b1', 'b2'] }, hostvars: { b1: { ansible_host: '10.0.0.5' } } };
    expect(renderString(`{{ groups['backend'][1] }} {{ hostvars.b1.ansible_host }}`, vars)).toBe('b2 10.0.0.5');
  });

  it('iterates sections over lists of maps', () => {
    const vars = {
      upstreams: [
        { host: 'b1', port: 8000 },
        { host: 'b2', port: 8001 },
      ],
    };
    expect(renderString('{{#upstreams}}server {{host}}:{{port}};\n{{/upstreams}}', vars)).toBe(
      'server b1:8000;\nserver b2:8001;\n',
    );
  });

  it('applies filters, and default accepts an undefined input', () => {
    expect(renderString(`{{ port | default(80) }} {{ name | upper }}`, { name: 'shop' })).toBe('80 SHOP');
    expect(renderString(`{{ hosts | join(', ') }}`, { hosts: ['a', 'b'] })).toBe('a, b');
  });

  it('renders lists and maps inside text as JSON', () => {
    expect(renderString('x={{ v }}', { v: [1, 'a'] })).toBe('x=[1,"a"]');
  });
});

describe('renderValue', () => {
  it('keeps the type of a value that is exactly one variable', () => {
    expect(renderValue('{{ pkgs }}', { pkgs: ['nginx', 'git'] })).toEqual(['nginx', 'git']);
    expect(renderValue('{{ port }}', { port: 8080 })).toBe(8080);
    // Anything around the variable makes it text, newlines included.
    expect(renderValue('{{ port }}\n', { port: 8080 })).toBe('8080\n');
    expect(renderValue(' {{ port }}', { port: 8080 })).toBe(' 8080');
  });

  it('renders nested structures', () => {
    expect(renderValue({ a: ['{{ x }}-1', { b: '{{ x }}' }] }, { x: 'v' })).toEqual({ a: ['v-1', { b: 'v' }] });
  });
});

describe('variables that refer to other variables', () => {
  it('renders them when read, keeping types', () => {
    const vars = {
      app: 'shop',
      app_dir: '/opt/{{ app }}',
      venv: '{{ app_dir }}/venv',
      pkgs: '{{ base }}',
      base: ['a'],
    };
    expect(renderString('{{ venv }}', vars)).toBe('/opt/shop/venv');
    expect(renderValue('{{ pkgs }}', vars)).toEqual(['a']);
  });

  it('reports a loop instead of overflowing the stack', () => {
    expect(() => renderString('{{ a }}', { a: '{{ b }}', b: '{{ a }}' })).toThrow(/refers to itself/);
  });
});
