// The config's JSON Schema, derived from the zod schema (configSchema.ts) at build time, so editors complete
// and check deploy-watch.config.json. Covers exactly the zod kinds the config uses; another kind fails the
// build instead of producing a schema that accepts too much.
import { z } from 'zod';
import { configSchema, EXCLUSIVE_KEYS } from './configSchema.js';

export { SCHEMA_FILE } from './schemaFile.js';

type Json = Record<string, unknown>;

export function configJsonSchema(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'deploy-watch.config.json',
    ...toJsonSchema(configSchema),
  };
}

export function toJsonSchema(schema: z.ZodTypeAny): Json {
  if (schema instanceof z.ZodEffects) {
    const inner = toJsonSchema(schema.innerType());
    const keys = EXCLUSIVE_KEYS.get(schema);
    return keys ? { ...inner, oneOf: keys.map((key) => ({ required: [key] })) } : inner;
  }
  if (schema instanceof z.ZodOptional) return toJsonSchema(schema.unwrap());
  // The default as parsed (`{}` filled in with its own keys' defaults), which is what an editor should show.
  if (schema instanceof z.ZodDefault)
    return { ...toJsonSchema(schema._def.innerType), default: schema.parse(undefined) };
  if (schema instanceof z.ZodNullable) {
    const inner = toJsonSchema(schema.unwrap());
    return { ...inner, type: [inner.type, 'null'] };
  }
  if (schema instanceof z.ZodObject) return objectSchema(schema);
  if (schema instanceof z.ZodArray) {
    const out: Json = { type: 'array', items: toJsonSchema(schema.element) };
    if (schema._def.minLength) out.minItems = schema._def.minLength.value;
    return out;
  }
  if (schema instanceof z.ZodUnion) return { anyOf: (schema.options as z.ZodTypeAny[]).map(toJsonSchema) };
  if (schema instanceof z.ZodEnum) return { type: 'string', enum: [...(schema.options as string[])] };
  if (schema instanceof z.ZodString) return stringSchema(schema);
  if (schema instanceof z.ZodNumber) return numberSchema(schema);
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' };
  throw new Error(`configJsonSchema: no JSON Schema for zod type ${schema.constructor.name}; extend toJsonSchema`);
}

function objectSchema(schema: z.ZodObject<z.ZodRawShape>): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const [key, child] of Object.entries(schema.shape) as Array<[string, z.ZodTypeAny]>) {
    properties[key] = toJsonSchema(child);
    if (!child.isOptional()) required.push(key);
  }
  const out: Json = { type: 'object', properties };
  if (required.length > 0) out.required = required;
  if (schema._def.unknownKeys === 'strict') out.additionalProperties = false;
  return out;
}

function stringSchema(schema: z.ZodString): Json {
  const out: Json = { type: 'string' };
  for (const check of schema._def.checks) {
    if (check.kind === 'min') out.minLength = check.value;
    else if (check.kind === 'max') out.maxLength = check.value;
    else if (check.kind === 'regex') out.pattern = check.regex.source;
    else if (check.kind === 'url') out.format = 'uri';
    else throw new Error(`configJsonSchema: string check ${check.kind} has no JSON Schema here; extend stringSchema`);
  }
  return out;
}

function numberSchema(schema: z.ZodNumber): Json {
  const out: Json = { type: 'number' };
  for (const check of schema._def.checks) {
    if (check.kind === 'int') out.type = 'integer';
    else if (check.kind === 'min') out[check.inclusive ? 'minimum' : 'exclusiveMinimum'] = check.value;
    else if (check.kind === 'max') out[check.inclusive ? 'maximum' : 'exclusiveMaximum'] = check.value;
    else throw new Error(`configJsonSchema: number check ${check.kind} has no JSON Schema here; extend numberSchema`);
  }
  return out;
}

export const configJsonSchemaText = (): string => `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
