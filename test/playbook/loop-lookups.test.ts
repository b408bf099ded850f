import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listify, LOOP_LOOKUPS, LoopLookupError, parseSequence } from '../../src/tree/loop-lookups.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
beforeAll(() => {
  project = createTempProject('drover-loop-lookups-');
  for (const file of [
    'files/b.txt',
    'files/a.txt',
    'files/c.conf',
    'files/.hidden.txt',
    'files/sub/s.txt',
    'other/o.txt',
    'top.txt',
  ])
    project.write(file, file);
  mkdirSync(join(project.dir, 'files/dir.txt'));
});
afterAll(() => project.remove());

const more = ['n3', 'n4'];
const users = [
  { name: 'alice', keys: ['k1', 'k2'], extra: { groups: ['g1'] } },
  { name: 'bob', keys: ['k3'] },
  { name: 'carol' },
];

/** Items from rendered terms, as the engine makes them (the terms are what the template gave). */
function items(lookup: string, rendered: unknown): unknown[] {
  return LOOP_LOOKUPS[lookup](listify(rendered), { scope: { baseDir: project.dir, playbookDir: project.dir } });
}

// Each expectation is what ansible-playbook 2.14.18 looped over for the same terms.
describe('the with_* lookups, as ansible-core 2.14 computes them', () => {
  it('items: one level flattened; text, a number or None is one item; a map gives its keys', () => {
    expect(items('items', ['n1', more])).toEqual(['n1', 'n3', 'n4']);
    expect(items('items', [['a', ['b']], 'c'])).toEqual(['a', ['b'], 'c']);
    expect(
      items('items', [
        [1, 2],
        [3, [4]],
      ]),
    ).toEqual([1, 2, 3, [4]]);
    expect(items('items', { x: 1, y: 2 })).toEqual(['x', 'y']);
    expect(items('items', 'abc')).toEqual(['abc']);
    expect(items('items', 5)).toEqual([5]);
    expect(items('items', null)).toEqual([null]);
    expect(items('items', [])).toEqual([]);
  });

  it('list: as it is; a map is an error', () => {
    expect(items('list', ['n1', more, ['a', 'b']])).toEqual(['n1', more, ['a', 'b']]);
    expect(items('list', 'abc')).toEqual(['abc']);
    expect(() => items('list', { a: 1 })).toThrow('with_list expects a list');
  });

  it('dict: key and value in the map order, from a map or a list of maps', () => {
    expect(items('dict', { b: 1, a: { z: 2 } })).toEqual([
      { key: 'b', value: 1 },
      { key: 'a', value: { z: 2 } },
    ]);
    expect(items('dict', [{ x: 1 }, { q: 3 }])).toEqual([
      { key: 'x', value: 1 },
      { key: 'q', value: 3 },
    ]);
    expect(() => items('dict', more)).toThrow('with_dict expects a dict');
  });

  it('sequence: key=value and shortcut forms, strides both ways, formats, hex', () => {
    const cases: Array<[string, string[]]> = [
      ['start=1 end=5', ['1', '2', '3', '4', '5']],
      [
        'start=0 end=32 stride=8 format=testuser%02x',
        ['testuser00', 'testuser08', 'testuser10', 'testuser18', 'testuser20'],
      ],
      ['count=4', ['1', '2', '3', '4']],
      ['start=10 end=0 stride=-3', ['10', '7', '4', '1']],
      ['4:host%02d', ['host01', 'host02', 'host03', 'host04']],
      ['2-10/2', ['2', '4', '6', '8', '10']],
      ['5', ['1', '2', '3', '4', '5']],
      ['0x0a-0x0c', ['10', '11', '12']],
      ['count=2 start=0x10 format=%04x', ['0010', '0011']],
      ['start=0 count=0', []],
      ['start=0 end=0', ['0']],
      ['start=1 end=3 stride=0', []],
      ['start=-2 end=2', ['-2', '-1', '0', '1', '2']],
      ['count=3 stride=2', ['1', '3', '5']],
      ['end=3 format=%5.1f', ['  1.0', '  2.0', '  3.0']],
      ["end=3 format='x %d'", ['x 1', 'x 2', 'x 3']],
      ['start=1 end=3 format=%03o', ['001', '002', '003']],
      ['start=1 end=12 stride=5 format=%-3d|', ['1  |', '6  |', '11 |']],
      ['end=2 format=%+d', ['+1', '+2']],
      ['end=2 format=%g', ['1', '2']],
      ['start=3 end=1 stride=-1 format=%x', ['3', '2', '1']],
    ];
    for (const [term, expected] of cases) expect([term, parseSequence(term)]).toEqual([term, expected]);
    expect(items('sequence', ['1-3', 'count=2 start=0x10 format=%04x'])).toEqual(['1', '2', '3', '0010', '0011']);
  });

  it('sequence: the errors Ansible gives', () => {
    const cases: Array<[unknown, string]> = [
      ['start=5 end=1', 'to count backwards make stride negative'],
      ['count=-2', 'to count backwards make stride negative'],
      ['start=1 end=3 format=%s-%d', 'bad formatting string: %s-%d'],
      ['start=1 end=3 foo=1', "unrecognized arguments to with_sequence: ['foo']"],
      ['start=010 end=012', "can't parse start=010 as integer"],
      ['start=1', 'must specify count or end in with_sequence'],
      ['end=3 count=2', "can't specify both count and end in with_sequence"],
    ];
    for (const [term, message] of cases) expect(() => parseSequence(term)).toThrow(message);
    expect(() => parseSequence(3)).toThrow(LoopLookupError);
  });

  it('fileglob: files only, no hidden ones, in the first directory of the search path that has a match', () => {
    const at = (path: string) => join(project.dir, path);
    expect(items('fileglob', '*.txt')).toEqual([at('files/a.txt'), at('files/b.txt')]);
    expect(items('fileglob', ['*.conf', 'sub/*.txt', 'other/*.txt', 'nomatch*'])).toEqual([
      at('files/c.conf'),
      at('files/sub/s.txt'),
      at('other/o.txt'),
    ]);
    expect(items('fileglob', [`${project.dir}/files/[ab].txt`, '?.conf', 'top*'])).toEqual([
      at('files/a.txt'),
      at('files/b.txt'),
      at('files/c.conf'),
      at('top.txt'),
    ]);
    expect(items('fileglob', 'files/')).toEqual([]);
  });

  it('nested and cartesian: every combination, first list outermost; together: side by side with None', () => {
    expect(items('nested', [['a', 'b'], more, [1]])).toEqual([
      ['a', 'n3', 1],
      ['a', 'n4', 1],
      ['b', 'n3', 1],
      ['b', 'n4', 1],
    ]);
    expect(items('nested', [['a', ['b', 'c']], ['x']])).toEqual([
      ['a', 'x'],
      ['b', 'c', 'x'],
    ]);
    expect(items('nested', [{ x: 1, y: 2 }, ['z']])).toEqual([
      ['x', 'z'],
      ['y', 'z'],
    ]);
    // One list: each item is flattened on its own, so a text gives its characters, as in Ansible.
    expect(items('nested', [['ab', 'cd']])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(() => items('nested', [[1, 2]])).toThrow("'int' object is not iterable");
    expect(items('cartesian', [['a', 'b'], more])).toEqual([
      ['a', 'n3'],
      ['a', 'n4'],
      ['b', 'n3'],
      ['b', 'n4'],
    ]);
    expect(items('cartesian', [['ab', 'cd']])).toEqual([['ab'], ['cd']]);
    expect(items('together', [['a', 'b', 'c'], more])).toEqual([
      ['a', 'n3'],
      ['b', 'n4'],
      ['c', null],
    ]);
    expect(
      items('together', [
        ['a', ['b']],
        [1, 2],
      ]),
    ).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    for (const lookup of ['nested', 'cartesian', 'together'])
      expect(() => items(lookup, [])).toThrow(`with_${lookup} requires at least one element`);
  });

  it('subelements: each element without its list, with each item of the list; the variable is left as it was', () => {
    const pairs = items('subelements', [users, 'keys', { skip_missing: true }]);
    expect(pairs).toEqual([
      [{ name: 'alice', extra: { groups: ['g1'] } }, 'k1'],
      [{ name: 'alice', extra: { groups: ['g1'] } }, 'k2'],
      [{ name: 'bob' }, 'k3'],
    ]);
    expect(items('subelements', [users, 'extra.groups', { skip_missing: 'yes' }])).toEqual([
      [{ name: 'alice', keys: ['k1', 'k2'], extra: {} }, 'g1'],
    ]);
    expect(users[0]).toEqual({ name: 'alice', keys: ['k1', 'k2'], extra: { groups: ['g1'] } });
    expect(items('subelements', [[{ a: [1] }, { b: 2 }], 'a', { skip_missing: true }])).toEqual([[{}, 1]]);
    expect(() => items('subelements', [users, 'keys'])).toThrow("could not find 'keys' key in iterated item");
    expect(() => items('subelements', [{ x: 1 }, 'a'])).toThrow('with_subelements expects a dictionary, got 1');
    expect(items('subelements', [{ skipped: true }, 'a'])).toEqual([]);
  });

  it('indexed_items: [index, value] pairs of the list flattened one level; random_choice: one item of the list', () => {
    const indexed = items('indexed_items', ['a', more, ['c', ['d']]]);
    expect(indexed).toEqual([
      [0, 'a'],
      [1, 'n3'],
      [2, 'n4'],
      [3, 'c'],
      [4, ['d']],
    ]);
    expect(() => items('indexed_items', { x: 1 })).toThrow('with_indexed_items expects a list');
    expect(items('random_choice', ['only'])).toEqual(['only']);
    expect(more).toContain(items('random_choice', more)[0]);
    expect(items('random_choice', [])).toEqual([]);
    const last = LOOP_LOOKUPS.random_choice(['a', 'b', 'c'], { scope: { baseDir: '/' }, random: () => 0.99 });
    expect(last).toEqual(['c']);
  });
});
