import type { ModuleDefinition } from '../modules/types.js';
import { BLOCK_KEYWORDS, COLLECTION_PREFIXES, IMPORT_ROLE_KEYWORDS, PLAY_KEYWORDS } from '../playbook/keywords.js';
import { allowTemplatedValues, rejectUnknownArguments } from './module-args-schema.js';
import { moduleJsonSchema } from './render-module-doc.js';

const stringOrList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
const condition = {
  anyOf: [
    { type: 'string' },
    { type: 'boolean' },
    { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'boolean' }] } },
  ],
};
const bool = { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['yes', 'no', 'true', 'false'] }] };

const taskKeywords: Record<string, object> = {
  name: { type: 'string', description: 'What the task does, shown in the output.' },
  when: { ...condition, description: 'Run only when this condition (or all of these) is true.' },
  loop: { description: 'Run once per item of this list; the item is {{ item }}.' },
  with_items: { description: 'Old spelling of loop.' },
  loop_control: {
    type: 'object',
    properties: { label: { type: 'string' }, loop_var: { type: 'string' }, index_var: { type: 'string' } },
  },
  register: { type: 'string', description: 'Store the result in this variable.' },
  notify: { ...stringOrList, description: 'Handlers to run at the end of the section if the task changed something.' },
  tags: stringOrList,
  become: bool,
  become_user: { type: 'string' },
  ignore_errors: bool,
  changed_when: condition,
  failed_when: condition,
  no_log: bool,
  retries: { type: 'integer' },
  delay: { type: 'integer' },
  until: condition,
  vars: { type: 'object' },
  args: { type: 'object' },
  listen: stringOrList,
  check_mode: bool,
};

/** JSON Schema for playbooks, built from the module schemas, for editors (YAML language server). */
export function buildPlaybookSchema(modules: Map<string, ModuleDefinition>): object {
  const moduleProps: Record<string, object> = {};
  const moduleDefs: Record<string, object> = {};
  for (const module of [...modules.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const args = rejectUnknownArguments(allowTemplatedValues(moduleJsonSchema(module) as Record<string, unknown>));
    const forms: object[] = [args];
    if (module.freeForm) forms.push({ type: 'string' });
    else forms.push({ type: 'string', description: 'key=value form' });
    moduleDefs[`module.${module.name}`] = { anyOf: forms };
    const ref = { description: module.summary, $ref: `#/$defs/module.${module.name}` };
    moduleProps[module.name] = ref;
    // `ansible.builtin.copy` is the same module as `copy` (see stripCollectionPrefix).
    for (const prefix of COLLECTION_PREFIXES) moduleProps[`${prefix}${module.name}`] = ref;
  }
  const taskList = { type: 'array', items: { $ref: '#/$defs/task' } };
  const importRole = {
    type: 'object',
    description: "Runs a role's tasks here (static, at load time), with its defaults, vars and handlers.",
    properties: { name: { type: 'string' }, tasks_from: { type: 'string' } },
    required: ['name'],
    additionalProperties: false,
  };
  const importRoleProps: Record<string, object> = { import_role: importRole };
  for (const prefix of COLLECTION_PREFIXES) importRoleProps[`${prefix}import_role`] = importRole;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'drover playbook',
    type: 'array',
    items: { $ref: '#/$defs/play' },
    $defs: {
      ...moduleDefs,
      play: {
        type: 'object',
        properties: {
          ...Object.fromEntries(PLAY_KEYWORDS.map((k) => [k, {}])),
          name: { type: 'string' },
          hosts: stringOrList,
          vars: { type: 'object' },
          vars_files: stringOrList,
          roles: {
            type: 'array',
            items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { role: { type: 'string' } } }] },
          },
          pre_tasks: taskList,
          tasks: taskList,
          post_tasks: taskList,
          handlers: taskList,
          become: bool,
          become_user: { type: 'string' },
          gather_facts: bool,
          serial: { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'array' }] },
          strategy: { enum: ['linear', 'free'] },
          import_playbook: { type: 'string' },
        },
        additionalProperties: false,
      },
      task: {
        anyOf: [
          {
            type: 'object',
            properties: {
              ...Object.fromEntries(BLOCK_KEYWORDS.map((k) => [k, taskKeywords[k] ?? {}])),
              block: taskList,
              rescue: taskList,
              always: taskList,
            },
            required: ['block'],
            additionalProperties: false,
          },
          {
            type: 'object',
            properties: { ...taskKeywords, include_tasks: {}, import_tasks: {} },
            anyOf: [{ required: ['include_tasks'] }, { required: ['import_tasks'] }],
          },
          {
            type: 'object',
            properties: {
              ...Object.fromEntries(IMPORT_ROLE_KEYWORDS.map((k) => [k, taskKeywords[k]])),
              ...importRoleProps,
            },
            anyOf: Object.keys(importRoleProps).map((key) => ({ required: [key] })),
            additionalProperties: false,
          },
          {
            type: 'object',
            properties: { ...taskKeywords, ...moduleProps },
            additionalProperties: false,
            minProperties: 1,
          },
        ],
      },
    },
  };
}
