import { describe, expect, it } from 'vitest';
import { renderString, renderTemplateFile, renderValue } from '../../src/template/render.js';
import { UndefinedVariableError } from '../../src/template/errors.js';

describe('renderString', () => {
  it('does not HTML-escape values', () => {
    expect(renderString('{{ v }}', { v: `<a href="x">&'` })).toBe(`<a href="x">&'`);
    expect(renderString(`{{ '<b>' ~ v }}`, { v: '&amp;' })).toBe('<b>&amp;');
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

  it('loops over lists of dicts', () => {
    const vars = {
      upstreams: [
        { host: 'b1', port: 8000 },
        { host: 'b2', port: 8001 },
      ],
    };
    expect(renderString('{% for u in upstreams %}server {{ u.host }}:{{ u.port }};\n{% endfor %}', vars)).toBe(
      'server b1:8000;\nserver b2:8001;\n',
    );
  });

  it('applies filters, and default accepts an undefined input', () => {
    expect(renderString(`{{ port | default(80) }} {{ name | upper }}`, { name: 'shop' })).toBe('80 SHOP');
    expect(renderString(`{{ hosts | join(', ') }}`, { hosts: ['a', 'b'] })).toBe('a, b');
  });

  it('writes lists, dicts, booleans and None inside text as Python does', () => {
    expect(renderString('x={{ v }}', { v: [1, 'a', true, null] })).toBe("x=[1, 'a', True, None]");
    expect(renderString('d={{ d }}', { d: { k: "it's" } })).toBe(`d={'k': "it's"}`);
    expect(renderString('[{{ n }}] {{ t }}', { n: null, t: false })).toBe('[] False');
  });

  it('keeps the trailing newlines of the source, as Ansible does', () => {
    expect(renderString('a={{ x }}\n', { x: 1 })).toBe('a=1\n');
    expect(renderString('a={{ x }}\n\n', { x: 1 })).toBe('a=1\n\n');
    expect(renderString('{% if true %}\na\n{% endif %}\n', {})).toBe('a\n');
  });
});

describe('renderValue', () => {
  it('keeps the type of a value that is exactly one expression', () => {
    expect(renderValue('{{ pkgs }}', { pkgs: ['nginx', 'git'] })).toEqual(['nginx', 'git']);
    expect(renderValue('{{ port }}', { port: 8080 })).toBe(8080);
    expect(renderValue('{{ port | int + 1 }}', { port: '8080' })).toBe(8081);
    expect(renderValue('{{ flag }}', { flag: false })).toBe(false);
    expect(renderValue('{{ nothing }}', { nothing: null })).toBe(null);
    expect(renderValue('{{ d }}', { d: { a: [1] } })).toEqual({ a: [1] });
    expect(renderValue('{{ a + b }}', { a: [1], b: [2] })).toEqual([1, 2]);
    // Anything around the expression makes it text, newlines included.
    expect(renderValue('{{ port }}\n', { port: 8080 })).toBe('8080\n');
    expect(renderValue(' {{ port }}', { port: 8080 })).toBe(' 8080');
    expect(renderValue('{{ a }}{{ b }}', { a: 1, b: 2 })).toBe('12');
  });

  it('renders nested structures', () => {
    expect(renderValue({ a: ['{{ x }}-1', { b: '{{ x }}' }] }, { x: 'v' })).toEqual({ a: ['v-1', { b: 'v' }] });
  });

  it('leaves strings without a template as they are', () => {
    const value = { a: 'plain', b: [1, 'x'] };
    expect(renderValue(value, {})).toBe(value);
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
    expect(renderValue('{{ pkgs | length }}', vars)).toBe(1);
  });

  it('reports a loop instead of overflowing the stack', () => {
    expect(() => renderString('{{ a }}', { a: '{{ b }}', b: '{{ a }}' })).toThrow(/refers to itself/);
  });

  it("renders another host's variables with that host's values", () => {
    const vars = {
      node_id: 1,
      hostvars: { web1: { node_id: 1, name: 'n{{ node_id }}' }, web2: { node_id: 2, name: 'n{{ node_id }}' } },
    };
    expect(renderString("{{ hostvars['web2'].name }} {{ hostvars.web1.name }}", vars)).toBe('n2 n1');
  });
});

describe('renderTemplateFile', () => {
  it("uses Ansible's template defaults: trim_blocks on, lstrip_blocks off, the trailing newline kept", () => {
    const source = 'server {\n    {% if ssl %}\n    listen 443;\n    {% endif %}\n}\n';
    expect(renderTemplateFile(source, { ssl: true }, 'site.j2')).toBe('server {\n        listen 443;\n    }\n');
    expect(renderTemplateFile('a={{ a }}', { a: 1 }, 'a.j2')).toBe('a=1');
    expect(renderTemplateFile('a={{ a }}\n\n', { a: 1 }, 'a.j2')).toBe('a=1\n\n');
  });

  it('offers ansible_managed and the template_* variables', () => {
    expect(renderTemplateFile('# {{ ansible_managed }} {{ template_path }}', {}, 'templates/x.j2')).toBe(
      '# Ansible managed templates/x.j2',
    );
  });

  it('reads \\r\\n line ends as \\n, as Jinja2 does', () => {
    expect(renderTemplateFile('a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n', {}, 'crlf.j2')).toBe('a\nb\n');
  });
});

describe('a {# that no #} closes', () => {
  it('is text, as a shell writes ${#var}', () => {
    expect(renderString('n=${#s} in {{ app }}', { app: 'shop' })).toBe('n=${#s} in shop');
    expect(renderString("{{ '{#' }} ${#a}", {})).toBe('{# ${#a}');
    // With a #} after it, it opens a comment, as in Jinja2.
    expect(renderString('a{# gone #}b ${#x}', {})).toBe('ab ${#x}');
  });
});
