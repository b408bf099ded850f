import { describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import { schemaShape } from '../../src/modules/validate-args.js';
import { convertForSchema, parseFreeFormArgs, parseKeyValueArgs } from '../../src/playbook/parse-free-form.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { PlaybookError } from '../../src/playbook/errors.js';
import { parseKv, splitArgs } from '../../src/tree/key-value.js';
import type { TaskNode } from '../../src/tree/types.js';
import { createTempProject } from '../helpers/run-engine.js';

/**
 * What ansible-core 2.14.18's parse_kv (ansible.parsing.splitter) returns for each text, recorded
 * by calling it: [text, check_raw, result]. `_raw_params` is the text left for a free-form module.
 */
const ANSIBLE_PARSE_KV: Array<[string, boolean, Record<string, string>]> = [
  ['path={{ root }}/kv state=directory', false, { path: '{{ root }}/kv', state: 'directory' }],
  [`msg="a b" other='c d' e=f`, false, { msg: 'a b', other: 'c d', e: 'f' }],
  ['key="a b"', false, { key: 'a b' }],
  ['content="line1\\nline2" dest=/x', false, { content: 'line1\nline2', dest: '/x' }],
  ['content=line1\\nline2', false, { content: 'line1\nline2' }],
  ['a=\\x41\\u00e9\\U0001F600 b=\\t|', false, { a: 'Aé😀', b: '|' }],
  ['a=b\\=c', false, { a: 'b\\=c' }],
  ['a\\=b=c', false, { 'a\\=b': 'c' }],
  ['=a', false, { _raw_params: '=a' }],
  ['a==b', false, { a: '=b' }],
  ['a= b=', false, { a: '', b: '' }],
  [`k="it's"`, false, { k: "it's" }],
  [`k='say "hi"'`, false, { k: 'say "hi"' }],
  ['k="a\\"b"', false, { k: 'a"b' }],
  [
    'k="{{ x }}" l={% if a %}b c{% endif %} m={# c d #}',
    false,
    { k: '{{ x }}', l: '{% if a %}b', m: '{# c d #}', _raw_params: 'c{% endif %}' },
  ],
  [`k={{ a }}{{ b }} l={{ {'x': 1} }}`, false, { k: '{{ a }}{{ b }}', l: "{{ {'x': 1} }}" }],
  ['k="a  b"  l=c', false, { k: 'a  b', l: 'c' }],
  ['k=a\nl=b', false, { k: 'a', l: 'b' }],
  ['k=a \\\nl=b', false, { k: 'a', l: 'b' }],
  ['touch x creates=x', true, { creates: 'x', _raw_params: 'touch x' }],
  ['chdir=/tmp echo a creates=/nonexist b', true, { chdir: '/tmp', creates: '/nonexist', _raw_params: 'echo a b' }],
  [
    `echo "x y" 'p q' a\\ b e\\nf creates="/non exist"`,
    true,
    { creates: '/non exist', _raw_params: `echo "x y" 'p q' a\\ b e\\nf` },
  ],
  ['echo {{ sp }} k={{ sp }} "{{ sp }}"', true, { _raw_params: 'echo {{ sp }} k={{ sp }} "{{ sp }}"' }],
  ['echo a\\=b c=d', true, { _raw_params: 'echo a=b c=d' }],
  ['echo   two  spaces removes=/r', true, { removes: '/r', _raw_params: 'echo   two  spaces' }],
  [
    'echo hi stdin="a b" stdin_add_newline=no executable=/bin/bash warn=no strip_empty_ends=false',
    true,
    {
      stdin: 'a b',
      stdin_add_newline: 'no',
      executable: '/bin/bash',
      warn: 'no',
      strip_empty_ends: 'false',
      _raw_params: 'echo hi',
    },
  ],
  ['echo "creates=x" creates=y', true, { creates: 'y', _raw_params: 'echo "creates=x"' }],
  [`printf 'a\\tb' chdir="{{ root }}/d d"`, true, { chdir: '{{ root }}/d d', _raw_params: "printf 'a\\tb'" }],
  ['echo x\necho y creates=z', true, { creates: 'z', _raw_params: 'echo x\necho y' }],
  ['flush_handlers', false, { _raw_params: 'flush_handlers' }],
  ['not a pair', false, { _raw_params: 'not a pair' }],
];

const COMMAND_OPTIONS = [
  'creates',
  'removes',
  'chdir',
  'executable',
  'warn',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
];

describe("key=value text, read as Ansible's parse_kv reads it", () => {
  it.each(ANSIBLE_PARSE_KV)('%j (free-form: %s)', (text, checkRaw, expected) => {
    const { options, rawParams } = parseKv(text, checkRaw ? COMMAND_OPTIONS : undefined);
    expect(rawParams === undefined ? options : { ...options, _raw_params: rawParams }).toEqual(expected);
  });

  it('fails on unbalanced quotes or template blocks, as Ansible does', () => {
    for (const text of [`echo 'unclosed`, 'echo {{ unclosed', 'a="b c', 'x={% if a'])
      expect(() => splitArgs(text)).toThrow(
        /failed at splitting arguments, either an unbalanced jinja2 block or quotes/,
      );
  });

  it('keeps values as text; a word that is no key=value makes the module form unreadable', () => {
    expect(parseKeyValueArgs('name=nginx state=present update_cache=true retries=3 mode=0644 x=~')).toEqual({
      name: 'nginx',
      state: 'present',
      update_cache: 'true',
      retries: '3',
      mode: '0644',
      x: '~',
    });
    expect(parseKeyValueArgs('not a pair')).toBeUndefined();
    expect(parseKeyValueArgs('a="unclosed')).toBeUndefined();
  });

  it('takes command and shell options out of the text wherever they are; other modules take every key=value', () => {
    expect(parseFreeFormArgs('command', 'touch x creates=x', 'cmd')).toEqual({ cmd: 'touch x', creates: 'x' });
    expect(parseFreeFormArgs('shell', 'chdir=/srv make a=b removes=/r', 'cmd')).toEqual({
      cmd: 'make a=b',
      chdir: '/srv',
      removes: '/r',
    });
    expect(parseFreeFormArgs('command', 'creates=x', 'cmd')).toEqual({ creates: 'x' });
    expect(parseFreeFormArgs('meta', 'flush_handlers', 'action')).toEqual({ action: 'flush_handlers' });
  });

  it('gives a parameter that takes no text the number or boolean the text reads as, and leaves text as it is', async () => {
    const modules = await loadModules();
    const shape = (name: string) => schemaShape(modules.get(name)!.schema);
    expect(convertForSchema({ msg: 'True', verbosity: '1' }, shape('debug'))).toEqual({ msg: 'True', verbosity: 1 });
    expect(convertForSchema({ path: '/x', mode: '0644', state: 'touch' }, shape('file'))).toEqual({
      path: '/x',
      mode: '0644',
      state: 'touch',
    });
    expect(convertForSchema({ verbosity: '{{ v }}' }, shape('debug'))).toEqual({ verbosity: '{{ v }}' });
  });
});

describe('the loader, with key=value and free-form text', () => {
  it('builds the arguments of each task as Ansible would', async () => {
    const modules = await loadModules();
    const project = createTempProject('drover-kv-');
    try {
      const file = project.write(
        'kv.yml',
        [
          '- hosts: all',
          '  tasks:',
          '    - command: touch x creates=x',
          '    - command: chdir=/tmp echo "a b" creates="{{ root }}/m n" c=d',
          '    - shell: echo $0 executable=/bin/bash stdin_add_newline=no',
          '    - file: path={{ root }}/kv state=directory mode=0755',
          '    - copy: dest={{ root }}/q content="a b\\nc"',
          '    - debug: msg="{{ x }} y" verbosity=1',
          '',
        ].join('\n'),
      );
      const tasks = loadPlaybook(file, modules).plays[0].sections[1] as TaskNode[];
      expect(tasks.map((task) => task.args)).toEqual([
        { cmd: 'touch x', creates: 'x' },
        { cmd: 'echo "a b" c=d', chdir: '/tmp', creates: '{{ root }}/m n' },
        { cmd: 'echo $0', executable: '/bin/bash', stdin_add_newline: 'no' },
        { path: '{{ root }}/kv', state: 'directory', mode: '0755' },
        { dest: '{{ root }}/q', content: 'a b\nc' },
        { msg: '{{ x }} y', verbosity: 1 },
      ]);
    } finally {
      project.remove();
    }
  });

  it('reports unbalanced quotes, and options command does not take, before anything runs', async () => {
    const modules = await loadModules();
    const project = createTempProject('drover-kv-');
    try {
      const file = project.write(
        'bad.yml',
        '- hosts: all\n  tasks:\n    - command: echo "oops creates=x\n    - command: echo x strip_empty_ends=no\n',
      );
      let problems: PlaybookError['problems'] = [];
      try {
        loadPlaybook(file, modules);
      } catch (error) {
        if (!(error instanceof PlaybookError)) throw error;
        problems = error.problems;
      }
      expect(problems.map((problem) => [problem.location.line, problem.message])).toEqual([
        [3, `failed at splitting arguments, either an unbalanced jinja2 block or quotes: echo "oops creates=x`],
        [4, "unknown parameter 'strip_empty_ends' for module command"],
      ]);
    } finally {
      project.remove();
    }
  });
});
