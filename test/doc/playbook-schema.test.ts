import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlaybookSchema } from '../../src/doc/playbook-schema.js';
import { loadModules } from '../../src/modules/registry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Playbooks and task files the repo ships or uses as valid fixtures. */
const PLAYBOOKS = [
  'playbooks/site.yml',
  'playbooks/drift-schedule.yml',
  'test/fixtures/local-site/site.yml',
  'test/fixtures/drift-site/site.yml',
];
const TASK_FILES = [
  ...readdirSync(join(ROOT, 'roles')).map((role) => `roles/${role}/tasks/main.yml`),
  ...readdirSync(join(ROOT, 'test/fixtures/local-site/roles')).map(
    (role) => `test/fixtures/local-site/roles/${role}/tasks/main.yml`,
  ),
];

/** Reads YAML as drover does (YAML 1.1: yes/no are booleans, 0644 is octal). */
const readYaml = (path: string): unknown => parse(readFileSync(join(ROOT, path), 'utf8'), { version: '1.1' });

let validatePlaybook: (data: unknown) => boolean;
let validateTasks: (data: unknown) => boolean;
let lastErrors: () => unknown;

beforeAll(async () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema({ ...buildPlaybookSchema(await loadModules()), $id: 'drover-playbook' });
  const playbook = ajv.getSchema('drover-playbook')!;
  const tasks = ajv.compile({ type: 'array', items: { $ref: 'drover-playbook#/$defs/task' } });
  validatePlaybook = (data) => playbook(data) as boolean;
  validateTasks = (data) => tasks(data) as boolean;
  lastErrors = () => playbook.errors ?? tasks.errors;
});

describe('drover schema validates real playbooks', () => {
  it.each(PLAYBOOKS)('accepts %s', (path) => {
    const ok = validatePlaybook(readYaml(path));
    expect(ok, JSON.stringify(lastErrors(), null, 2)).toBe(true);
  });

  it.each(TASK_FILES)('accepts the task file %s', (path) => {
    const ok = validateTasks(readYaml(path));
    expect(ok, JSON.stringify(lastErrors(), null, 2)).toBe(true);
  });

  it('accepts modules written with a collection prefix, as drover runs them', () => {
    const play = [
      {
        hosts: 'all',
        tasks: [
          { 'ansible.builtin.copy': { dest: '/tmp/x', content: 'y' } },
          { 'ansible.builtin.debug': 'msg=hi' },
          { 'ansible.posix.command': 'true' },
        ],
      },
    ];
    expect(validatePlaybook(play), JSON.stringify(lastErrors(), null, 2)).toBe(true);
  });

  it('rejects an unknown module', () => {
    expect(
      validatePlaybook([{ hosts: 'all', tasks: [{ name: 'typo', cpoy: { dest: '/tmp/x', content: 'y' } }] }]),
    ).toBe(false);
    expect(validatePlaybook([{ hosts: 'all', tasks: [{ 'ansible.builtin.cpoy': { dest: '/tmp/x' } }] }])).toBe(false);
  });

  it('rejects a module argument of the wrong type and an unknown argument', () => {
    expect(validatePlaybook([{ hosts: 'all', tasks: [{ copy: { dest: ['/tmp/x'], content: 'y' } }] }])).toBe(false);
    expect(
      validatePlaybook([{ hosts: 'all', tasks: [{ 'ansible.builtin.copy': { dest: '/tmp/x', contnet: 'y' } }] }]),
    ).toBe(false);
    expect(validatePlaybook([{ hosts: 'all', tasks: [{ debug: { msg: 'x', verbosity: 'high' } }] }])).toBe(false);
  });

  it('accepts import_role with name and tasks_from, and rejects a loop or an unknown option on it', () => {
    const ok = [
      { import_role: { name: 'web' }, vars: { port: 80 }, when: 'x' },
      { 'ansible.builtin.import_role': { name: 'web', tasks_from: 'setup' } },
    ];
    expect(validateTasks(ok), JSON.stringify(lastErrors(), null, 2)).toBe(true);
    expect(validateTasks([{ import_role: { name: 'web' }, loop: [1, 2] }])).toBe(false);
    expect(validateTasks([{ import_role: { name: 'web', allow_duplicates: true } }])).toBe(false);
    expect(validateTasks([{ import_role: { tasks_from: 'setup' } }])).toBe(false);
  });

  it('rejects an unknown play keyword', () => {
    expect(validatePlaybook([{ hosts: 'all', taks: [] }])).toBe(false);
  });

  it('types each keyword once, the same wherever it is written: become takes the boolean words, not maybe', () => {
    const become = (value: unknown) => [
      { hosts: 'all', become: value, roles: [{ role: 'web', become: value }] },
      {
        hosts: 'all',
        tasks: [
          { debug: 'msg=x', become: value },
          { block: [], become: value },
        ],
      },
      {
        hosts: 'all',
        tasks: [
          { import_tasks: 'x.yml', become: value },
          { import_role: { name: 'web' }, become: value },
        ],
      },
    ];
    for (const value of [true, 'yes', 'On', ' n ', 'T', 1, 0]) {
      for (const play of become(value)) expect(validatePlaybook([play]), JSON.stringify(play)).toBe(true);
    }
    for (const play of become('maybe')) expect(validatePlaybook([play]), JSON.stringify(play)).toBe(false);
    expect(validatePlaybook([{ hosts: 'all', become: 2 }])).toBe(false);
  });

  it('accepts the collection prefix on include_tasks and import_tasks, and rejects a keyword they do not take', () => {
    expect(validateTasks([{ 'ansible.builtin.include_tasks': 'x.yml', loop: [1] }])).toBe(true);
    expect(validateTasks([{ import_tasks: 'x.yml', notify: 'h' }])).toBe(false);
    expect(validateTasks([{ block: [], check_mode: false }])).toBe(false);
  });
});
