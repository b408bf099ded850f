import { z } from 'zod';
import type { ModuleDefinition } from '../modules/types.js';
import { COLLECTION_PREFIXES } from '../playbook/keywords/collections.js';
import { KEYWORDS, keywordsOn, type KeywordName } from '../playbook/keywords/declarations.js';
import type { Place } from '../playbook/keywords/places.js';
import { allowTemplatedValues, rejectUnknownArguments } from './module-args-schema.js';
import { moduleJsonSchema } from './render-module-doc.js';

/** A keyword's value as JSON Schema: what its zod type accepts as input. */
export function keywordJsonSchema(name: KeywordName): object {
  const { type } = KEYWORDS[name];
  if (type.jsonSchema) return type.jsonSchema;
  const { $schema: _, ...schema } = z.toJSONSchema(type.schema, { io: 'input', unrepresentable: 'any' });
  return schema;
}

/** The keys a keyword may be written as: an action key also with a collection prefix. */
function keysOf(name: KeywordName): string[] {
  return 'action' in KEYWORDS[name] ? [name, ...COLLECTION_PREFIXES.map((prefix) => `${prefix}${name}`)] : [name];
}

/** The keywords of a place, each a reference to its one schema, with its doc. */
function keywordProperties(place: Place): Record<string, object> {
  return Object.fromEntries(
    keywordsOn(place).flatMap((name) =>
      keysOf(name).map((key) => [key, { description: KEYWORDS[name].doc, $ref: `#/$defs/keyword.${name}` }]),
    ),
  );
}

/** At least one of these keywords, in any of its spellings. */
const requireOneOf = (...names: KeywordName[]) => names.flatMap(keysOf).map((key) => ({ required: [key] }));

/**
 * JSON Schema for playbooks, for editors (YAML language server): the keywords come from their
 * declarations (src/playbook/keywords/declarations.ts), the module arguments from the module schemas.
 */
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
  const keywordDefs = Object.fromEntries(
    (Object.keys(KEYWORDS) as KeywordName[]).map((name) => [`keyword.${name}`, keywordJsonSchema(name)]),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'drover playbook',
    type: 'array',
    items: { $ref: '#/$defs/play' },
    $defs: {
      ...keywordDefs,
      ...moduleDefs,
      play: { type: 'object', properties: keywordProperties('play'), additionalProperties: false },
      role: {
        anyOf: [
          { type: 'string' },
          // Keys that are no keyword are the role's parameters.
          { type: 'object', properties: keywordProperties('role'), anyOf: requireOneOf('role', 'name') },
        ],
      },
      task: {
        anyOf: [
          {
            type: 'object',
            properties: keywordProperties('block'),
            required: ['block'],
            additionalProperties: false,
          },
          {
            type: 'object',
            properties: keywordProperties('include'),
            anyOf: requireOneOf('include_tasks', 'import_tasks'),
            additionalProperties: false,
          },
          {
            type: 'object',
            properties: keywordProperties('import_role'),
            anyOf: requireOneOf('import_role'),
            additionalProperties: false,
          },
          {
            type: 'object',
            properties: { ...keywordProperties('task'), ...moduleProps },
            additionalProperties: false,
            minProperties: 1,
          },
        ],
      },
    },
  };
}
