import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { KEYWORDS, WITH_LOOPS } from '../../src/playbook/keywords/declarations.js';
import { PlaybookError } from '../../src/playbook/errors.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { LOOP_LOOKUPS } from '../../src/tree/loop-lookups.js';
import type { TaskTree } from '../../src/tree/types.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';

let project: TempProject;
let modules: Map<string, ModuleDefinition>;

beforeAll(async () => {
  project = createTempProject('drover-loop-keywords-');
  modules = await loadModules();
  project.write('inc.yml', '- debug: msg=i\n');
  project.write('roles/r/tasks/main.yml', '- debug: msg=r\n');
});
afterAll(() => project.remove());

function tasksOf(name: string, tasks: string): TaskTree[] {
  const file = project.write(name, `- hosts: all\n  tasks:\n${tasks}`);
  return loadPlaybook(file, modules).plays[0].sections[1];
}

function problemsOf(name: string, tasks: string): Array<[number, string, string | undefined]> {
  try {
    tasksOf(name, tasks);
  } catch (error) {
    if (!(error instanceof PlaybookError)) throw error;
    return error.problems.map((problem) => [problem.location.line, problem.message, problem.hint]);
  }
  throw new Error('expected the playbook not to validate');
}

describe('with_* loops, when the playbook is loaded', () => {
  it('declares one keyword per lookup the engine loops with, each with its doc', () => {
    expect(WITH_LOOPS.map((name) => name.slice('with_'.length)).sort()).toEqual(Object.keys(LOOP_LOOKUPS).sort());
    for (const name of WITH_LOOPS) {
      expect(KEYWORDS[name].doc.length).toBeGreaterThan(10);
      expect(KEYWORDS[name].on).toEqual(['task', 'include']);
    }
  });

  it('keeps the terms as written and the lookup, on tasks and includes: they are rendered on each host', () => {
    const [items, dict, sequence, subelements, include] = tasksOf(
      'kept.yml',
      [
        '    - debug: msg="{{ item }}"',
        '      with_items: [[a, b], "{{ more }}"]',
        '    - debug: msg="{{ item.key }}"',
        '      with_dict: "{{ users }}"',
        '    - debug: msg="{{ item }}"',
        '      with_sequence: start=1 end=5 format=web%02d',
        '    - debug: msg="{{ item.1 }}"',
        '      with_subelements: ["{{ users }}", keys, { skip_missing: true }]',
        '    - include_tasks: inc.yml',
        '      with_nested: [[a], "{{ more }}"]',
        '',
      ].join('\n'),
    );
    const loops = [items, dict, sequence, subelements, include].map((node) =>
      node.kind === 'block' ? undefined : [node.loopWith, node.loop],
    );
    expect(loops).toEqual([
      ['items', [['a', 'b'], '{{ more }}']],
      ['dict', '{{ users }}'],
      ['sequence', 'start=1 end=5 format=web%02d'],
      ['subelements', ['{{ users }}', 'keys', { skip_missing: true }]],
      ['nested', [['a'], '{{ more }}']],
    ]);
  });

  it('names an unknown with_* loop and lists the supported ones', () => {
    const [[line, message, hint]] = problemsOf('unknown.yml', '    - debug: msg=x\n      with_lines: cat /etc/hosts\n');
    expect([line, message]).toEqual([4, "'with_lines' is not a loop drover supports"]);
    expect(hint).toBe(`loop over a list with loop, or use one of ${WITH_LOOPS.join(', ')}`);
    expect(hint).toContain('with_items, with_list, with_dict, with_sequence, with_fileglob, with_nested');
  });

  it('rejects an empty with_*, two loops on one task, and a loop on import_tasks or import_role', () => {
    expect(
      problemsOf(
        'several.yml',
        [
          '    - debug: msg=x',
          '      with_items:',
          '    - debug: msg=x',
          '      loop: [a]',
          '      with_dict: { a: 1 }',
          '    - import_tasks: inc.yml',
          '      with_sequence: count=2',
          '    - import_role: { name: r }',
          '      with_fileglob: "*.conf"',
          '',
        ].join('\n'),
      ).map(([line, message]) => [line, message]),
    ).toEqual([
      [4, 'you must specify a value when using with_items'],
      [7, 'a task loops once, but this one has loop and with_dict'],
      [9, 'import_tasks cannot take a loop'],
      [11, "'with_fileglob' is not allowed on import_role"],
    ]);
  });

  it('checks literal terms: a sequence that cannot count, a bare name among lists, subelements of the wrong shape', () => {
    expect(
      problemsOf(
        'terms.yml',
        [
          '    - debug: msg=x',
          '      with_sequence: start=5 end=1',
          '    - debug: msg=x',
          '      with_sequence: ["1-3", "start=1 end=3 format=%s-%d"]',
          '    - debug: msg=x',
          '      with_sequence: 3',
          '    - debug: msg=x',
          '      with_nested: [[a, b], users]',
          '    - debug: msg=x',
          '      with_subelements: ["{{ users }}"]',
          '    - debug: msg=x',
          '      with_dict: users',
          '    - debug: msg=x',
          '      with_sequence: "start=1 end={{ n }}"',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      [4, "with_sequence cannot count 'start=5 end=1': to count backwards make stride negative", expect.any(String)],
      [6, "with_sequence cannot count 'start=1 end=3 format=%s-%d': bad formatting string: %s-%d", expect.any(String)],
      [
        8,
        "with_sequence must be text such as 'start=1 end=5' or '1-5', or a list of them, but it is the number 3",
        'e.g. with_sequence: start=1 end=5 format=web%02d, or with_sequence: "1-5"',
      ],
      [
        10,
        "with_nested must be a list of lists (each a list or a template that gives one), but item 2 of the list is the plain string 'users'",
        'a bare name is not a variable: write "{{ users }}" for a variable, or [users] for a list of one',
      ],
      [12, expect.stringMatching(/^with_subelements must be a list of two or three items/), expect.any(String)],
      [
        14,
        "with_dict must be a map or a template that gives one, but it is the plain string 'users'",
        'a bare name is not a variable: write with_dict: "{{ users }}"',
      ],
    ]);
  });
});
