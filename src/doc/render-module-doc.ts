import { z } from 'zod';
import type { ModuleDefinition } from '../modules/types.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  additionalProperties?: unknown;
}

/** A module's arguments as JSON Schema (input side: what a playbook may write). */
export function moduleJsonSchema(module: ModuleDefinition): JsonSchema {
  try {
    return z.toJSONSchema(module.schema, {
      unrepresentable: 'any',
      io: 'input',
      override: acceptPreprocessedString,
    }) as JsonSchema;
  } catch {
    return {};
  }
}

/**
 * The modules' z.preprocess fields turn a string into a list (`name: nginx`, `groups: "a,b"`), but
 * zod describes only the list; a string is valid input too.
 */
function acceptPreprocessedString(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; in?: { _zod?: { def?: { type?: string } } } } } })
    ._zod?.def;
  if (def?.type !== 'pipe' || def.in?._zod?.def?.type !== 'transform' || ctx.jsonSchema.type !== 'array') return;
  const list = { ...ctx.jsonSchema };
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  ctx.jsonSchema.anyOf = [{ type: 'string' }, list];
}

export interface ParameterDoc {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  choices?: unknown[];
  description: string;
  secret: boolean;
}

export function describeParameters(module: ModuleDefinition): ParameterDoc[] {
  const schema = unwrap(moduleJsonSchema(module));
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => ({
    name,
    type: typeName(prop),
    required: required.has(name) && prop.default === undefined,
    default: prop.default,
    choices: prop.enum ?? prop.anyOf?.flatMap((p) => p.enum ?? []).filter((v) => v !== undefined),
    description: prop.description ?? prop.anyOf?.find((p) => p.description)?.description ?? '',
    secret: (module.secretArgs ?? []).includes(name),
  }));
}

function unwrap(schema: JsonSchema): JsonSchema {
  if (schema.properties) return schema;
  for (const option of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) if (option.properties) return option;
  return schema;
}

function typeName(prop: JsonSchema): string {
  if (prop.enum) return 'choice';
  if (prop.type === 'array') return `list of ${prop.items ? typeName(prop.items) : 'any'}`;
  if (Array.isArray(prop.type)) return prop.type.join(' | ');
  if (prop.type) return prop.type === 'object' ? 'map' : prop.type;
  if (prop.anyOf) return [...new Set(prop.anyOf.map(typeName))].join(' | ');
  return 'any';
}

/** The `drover doc MODULE` page. */
export function renderModuleDoc(module: ModuleDefinition): string {
  const lines = [`${module.name} — ${module.summary}`, ''];
  if (module.description) lines.push(module.description, '');
  if (module.freeForm) lines.push(`Free form: "${module.name}: TEXT" sets ${module.freeForm}.`, '');
  lines.push('PARAMETERS');
  for (const p of describeParameters(module)) {
    const flags = [
      p.type,
      p.required ? 'required' : undefined,
      p.default !== undefined ? `default: ${JSON.stringify(p.default)}` : undefined,
      p.secret ? 'secret: masked in all output' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${p.name} (${flags})`);
    if (p.choices && p.choices.length > 0)
      lines.push(`      choices: ${p.choices.map((c) => JSON.stringify(c)).join(', ')}`);
    if (p.description) lines.push(`      ${p.description}`);
  }
  lines.push('', 'EXAMPLES');
  for (const example of module.examples) {
    lines.push(`  # ${example.title}`, ...example.yaml.split('\n').map((l) => `  ${l}`), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The `drover doc MODULE` page as Markdown, for README and docs/. */
export function renderModuleMarkdown(module: ModuleDefinition): string {
  const lines = [`### ${module.name}`, '', module.summary, ''];
  if (module.description) lines.push(module.description, '');
  lines.push('| parameter | type | required | default | description |', '|---|---|---|---|---|');
  for (const p of describeParameters(module)) {
    const description = [
      p.description,
      p.choices && p.choices.length > 0 ? `Choices: ${p.choices.map((c) => `\`${String(c)}\``).join(', ')}.` : '',
      p.secret ? 'Secret: masked everywhere.' : '',
    ]
      .filter(Boolean)
      .join(' ')
      .replace(/\|/g, '\\|');
    lines.push(
      `| \`${p.name}\` | ${p.type.replace(/\|/g, '\\|')} | ${p.required ? 'yes' : ''} | ${p.default !== undefined ? `\`${JSON.stringify(p.default)}\`` : ''} | ${description} |`,
    );
  }
  for (const example of module.examples) lines.push('', `${example.title}:`, '', '```yaml', example.yaml, '```');
  return `${lines.join('\n')}\n`;
}
