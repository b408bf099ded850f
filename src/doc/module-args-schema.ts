/** A string holding `{{ ... }}`: its type is only known once rendered, as validate-args also does. */
const TEMPLATED = { type: 'string', pattern: '\\{\\{' };

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Lets every argument (and every nested property or list item) of a module's JSON Schema also be a
 * templated string, so `name: "{{ packages }}"` where a list is wanted does not show as an error.
 */
export function allowTemplatedValues(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (isSchema(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, sub]) => [name, orTemplate(sub)]),
    );
  }
  if (isSchema(schema.items)) out.items = orTemplate(schema.items);
  if (isSchema(schema.additionalProperties)) out.additionalProperties = orTemplate(schema.additionalProperties);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map((sub) => (isSchema(sub) ? allowTemplatedValues(sub) : sub));
  }
  return out;
}

function orTemplate(sub: unknown): unknown {
  if (!isSchema(sub)) return sub;
  const description = typeof sub.description === 'string' ? { description: sub.description } : {};
  return { ...description, anyOf: [allowTemplatedValues(sub), TEMPLATED] };
}

/** Like validate-args, a module's top-level arguments are closed: an unknown parameter is an error. */
export function rejectUnknownArguments(schema: Schema): Schema {
  if (isSchema(schema.properties) && schema.additionalProperties === undefined)
    return { ...schema, additionalProperties: false };
  return schema;
}
