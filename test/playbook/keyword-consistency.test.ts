import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModules } from '../../src/modules/registry.js';
import type { ModuleDefinition } from '../../src/modules/types.js';
import { PlaybookError } from '../../src/playbook/errors.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { problemsOf as loadProblems } from '../helpers/playbook-problems.js';
import type { Play, TaskNode, TaskTree } from '../../src/tree/types.js';
import { createTempProject, type TempProject } from '../helpers/run-engine.js';
import { runCli } from '../helpers/run-cli.js';

let project: TempProject;
let modules: Map<string, ModuleDefinition>;
let inventory: string;

beforeAll(async () => {
  project = createTempProject('drover-keywords-');
  modules = await loadModules();
  inventory = project.write('hosts.ini', 'h1 ansible_connection=local\n');
  project.write('roles/r/tasks/main.yml', '- name: in role\n  debug: msg=r\n');
  project.write('roles/withdep/meta/main.yml', 'dependencies:\n  - role: dep\n    tags: "m1,m2"\n');
  project.write('roles/withdep/tasks/main.yml', '- name: in withdep\n  debug: msg=w\n');
  project.write('roles/dep/tasks/main.yml', '- name: in dep\n  debug: msg=d\n');
  project.write('inc.yml', '- name: inc\n  debug: msg=i\n');
});
afterAll(() => project.remove());

/** Every task of a play, blocks opened, with the tags it ends up with. */
function tagsByTask(play: Play): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  const visit = (nodes: TaskTree[]) => {
    for (const node of nodes) {
      if (node.kind === 'block') visit([...node.block, ...node.rescue, ...node.always]);
      else out.push([node.kind === 'task' ? (node.name ?? node.module) : `include ${node.file}`, node.tags]);
    }
  };
  for (const section of play.sections) visit(section);
  return out;
}

function problemsOf(file: string): PlaybookError['problems'] {
  const problems = loadProblems(file, modules);
  if (problems.length === 0) throw new Error('expected the playbook not to validate');
  return problems;
}

/** The same playbook was given to ansible-playbook 2.14 (`--list-tags`, `-i localhost, -c local`). */
const TAGS_PLAYBOOK = `- hosts: all
  gather_facts: false
  tags: "p1,p2"
  roles:
    - role: r
      tags: "r1, r2"
    - role: withdep
  tasks:
    - name: t
      debug: msg=x
      tags: "t1,t2"
    - block:
        - name: b
          debug: msg=x
      tags: "b1 ,b2"
    - import_tasks: inc.yml
      tags: "i1,i2"
    - include_tasks: inc.yml
      loop: [1]
      tags: "d1,d2"
    - import_role: { name: r }
      tags: "ir1,ir2"
    - name: listed
      debug: msg=x
      tags: ["l1,l2", l3]
`;

describe('tags: "a,b" is two tags wherever it is written, as ansible-playbook reads it', () => {
  it('on a play, a role entry, a meta dependency, a task, a block, import_tasks, include_tasks and import_role', () => {
    const file = project.write('tags.yml', TAGS_PLAYBOOK);
    const [play] = loadPlaybook(file, modules).plays;
    expect(play.tags).toEqual(['p1', 'p2']);
    expect(tagsByTask(play)).toEqual([
      ['in role', ['p1', 'p2', 'r1', 'r2']],
      ['in dep', ['p1', 'p2', 'm1', 'm2']],
      ['in withdep', ['p1', 'p2']],
      ['t', ['p1', 'p2', 't1', 't2']],
      ['b', ['p1', 'p2', 'b1', 'b2']],
      ['inc', ['p1', 'p2', 'i1', 'i2']],
      ['include inc.yml', ['p1', 'p2', 'd1', 'd2']],
      ['in role', ['p1', 'p2', 'ir1', 'ir2']],
      // A list is taken as written: Ansible splits only text.
      ['listed', ['p1', 'p2', 'l1,l2', 'l3']],
    ]);
  });

  it('--list-tags shows what ansible-playbook 2.14 shows for the same playbook', async () => {
    const file = project.write('list-tags.yml', TAGS_PLAYBOOK);
    const result = await runCli(['run', file, '-i', inventory, '--list-tags']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // ansible-playbook: TASK TAGS: [b1, b2, d1, d2, i1, i2, ir1, ir2, l1,l2, l3, m1, m2, p1, p2, r1, r2, t1, t2]
    expect(result.stdout).toContain(
      'TASK TAGS: [b1, b2, d1, d2, i1, i2, ir1, ir2, l1,l2, l3, m1, m2, p1, p2, r1, r2, t1, t2]',
    );
  });
});

describe('become: maybe is the same load error (exit 4) wherever it is written', () => {
  const marker = () => join(project.dir, 'ran');
  const head = () => `- hosts: all\n  gather_facts: false\n`;
  const touch = () => `    - command: touch ${marker()}\n`;
  const cases: Array<[string, () => string, string]> = [
    ['a play', () => `${head()}  become: maybe\n  tasks:\n${touch()}`, '3:3'],
    ['a role entry', () => `${head()}  roles:\n    - role: r\n      become: maybe\n  tasks:\n${touch()}`, '5:7'],
    ['a task', () => `${head()}  tasks:\n${touch()}    - debug: msg=x\n      become: maybe\n`, '6:7'],
    [
      'a block',
      () => `${head()}  tasks:\n${touch()}    - block:\n        - debug: msg=x\n      become: maybe\n`,
      '7:7',
    ],
    ['import_tasks', () => `${head()}  tasks:\n${touch()}    - import_tasks: inc.yml\n      become: maybe\n`, '6:7'],
    ['import_role', () => `${head()}  tasks:\n${touch()}    - import_role: { name: r }\n      become: maybe\n`, '6:7'],
  ];

  it.each(cases)('on %s', async (place, text, where) => {
    const file = project.write(`become-${place.replace(/\W/g, '-')}.yml`, text());
    const result = await runCli(['run', file, '-i', inventory]);
    expect(result.code, result.stdout + result.stderr).toBe(4);
    expect(result.stderr).toContain('ERROR: the playbook does not validate (1 problem)');
    expect(result.stderr).toContain(
      `${file}:${where}: become must be true or false, but it is the plain string 'maybe'\n`,
    );
    expect(result.stderr).toContain('  field: become\n');
    expect(result.stderr).toContain('  fix: write become: true or become: false');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(marker())).toBe(false);
  });
});

describe('a boolean keyword reads the words Ansible reads as booleans, wherever it is written', () => {
  it('on a play, a role entry, a task, a block, an include and an import_role', () => {
    const file = project.write(
      'words.yml',
      `- hosts: all
  gather_facts: "Off"
  become: "on"
  any_errors_fatal: "yes"
  force_handlers: 1
  max_fail_percentage: "30%"
  roles:
    - role: r
      become: "No"
  tasks:
    - name: t
      debug: msg=x
      become: T
      ignore_errors: " y "
      no_log: 0
      check_mode: "FALSE"
    - block:
        - name: b
          debug: msg=x
      become: f
    - import_tasks: inc.yml
      become: "n"
    - import_role: { name: r }
      become: "false"
`,
    );
    const [play] = loadPlaybook(file, modules).plays;
    expect(play).toMatchObject({
      gatherFacts: false,
      become: true,
      anyErrorsFatal: true,
      forceHandlers: true,
      maxFailPercentage: 30,
    });
    const tasks = play.sections.flat().flatMap((node) => (node.kind === 'block' ? node.block : [node])) as TaskNode[];
    expect(tasks.map((task) => [task.name, task.become])).toEqual([
      ['in role', false],
      ['t', true],
      ['b', false],
      ['inc', false],
      ['in role', false],
    ]);
    expect(tasks[1]).toMatchObject({ ignoreErrors: true, noLog: false, checkMode: false });
  });

  it('gather_facts: maybe is an error, as in ansible-playbook, not a silent false', () => {
    const file = project.write('gather-maybe.yml', '- hosts: all\n  gather_facts: maybe\n  tasks: []\n');
    const [problem] = problemsOf(file);
    expect(problem).toMatchObject({
      message: "gather_facts must be true or false, but it is the plain string 'maybe'",
      field: 'gather_facts',
      task: 'play all',
      location: { line: 2, column: 3 },
    });
  });

  it('any_errors_fatal, force_handlers and no_log are checked too, on every place', () => {
    const file = project.write(
      'flags-wrong.yml',
      `- hosts: all
  any_errors_fatal: sometimes
  force_handlers: [true]
  tasks:
    - debug: msg=x
      no_log: please
    - block:
        - debug: msg=x
      ignore_errors: 2
`,
    );
    expect(problemsOf(file).map((p) => `${p.location.line}: ${p.message}`)).toEqual([
      "2: any_errors_fatal must be true or false, but it is the plain string 'sometimes'",
      '3: force_handlers must be true or false, but it is a list',
      "6: no_log must be true or false, but it is the plain string 'please'",
      '9: ignore_errors must be true or false, but it is the number 2',
    ]);
  });
});

describe('other keywords are read the same way everywhere', () => {
  it('vars that is not a map is an error on a role entry too, as on a play and a task', () => {
    const file = project.write(
      'vars-list.yml',
      `- hosts: all
  vars: [1]
  roles:
    - role: r
      vars: [2]
  tasks:
    - debug: msg=x
      vars: [3]
`,
    );
    expect(problemsOf(file).map((p) => [p.location.line, p.message, p.task])).toEqual([
      [2, 'vars must be a map, but it is a list', 'play all'],
      [5, 'vars must be a map, but it is a list', 'role r'],
      [8, 'vars must be a map, but it is a list', '(unnamed debug task)'],
    ]);
  });

  it('a misspelt keyword gets a suggestion on every place, and one from another place is named as such', () => {
    const file = project.write(
      'typos.yml',
      `- hosts: all
  becom: true
  tasks:
    - block:
        - debug: msg=x
      rescu: []
    - include_tasks: inc.yml
      wen: x
    - import_role: { name: r }
      tag: x
    - debug: msg=x
      gather_facts: false
`,
    );
    expect(problemsOf(file).map((p) => [p.location.line, p.message, p.hint])).toEqual([
      [2, "unknown play keyword 'becom'", "did you mean 'become'?"],
      [6, "unknown block keyword 'rescu'", "did you mean 'rescue'?"],
      [8, "unknown include_tasks keyword 'wen'", "did you mean 'when'?"],
      [10, "unknown import_role keyword 'tag'", "did you mean 'tags'?"],
      [
        12,
        "'gather_facts' is not allowed on a task",
        expect.stringMatching(/^gather_facts belongs on a play; a task takes: name, when/),
      ],
    ]);
  });

  it('with_items keeps its terms for the engine on include_tasks as on a task', () => {
    const file = project.write(
      'with-items.yml',
      `- hosts: all
  tasks:
    - debug: msg="{{ item }}"
      with_items: [[a, b], c]
    - include_tasks: inc.yml
      with_items: [[a, b], c]
`,
    );
    const [task, include] = loadPlaybook(file, modules).plays[0].sections[1];
    for (const node of [task, include]) {
      expect(node.kind === 'block' ? undefined : [node.loopWith, node.loop]).toEqual(['items', [['a', 'b'], 'c']]);
    }
  });
});
