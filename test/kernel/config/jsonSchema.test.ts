// The JSON Schema shipped for editors stays in step with the zod schema: the shipped file is the one the
// build generates, and sample configs that zod accepts or rejects are accepted or rejected by the JSON
// Schema too (checked with a small validator for the keywords the generator emits).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configSchema, parseConfig } from '../../../src/kernel/config/config.js';
import { configJsonSchema, configJsonSchemaText } from '../../../src/kernel/config/jsonSchema.js';
import { SCHEMA_FILE, SCHEMA_REF } from '../../../src/kernel/config/schemaFile.js';
import { configTemplate } from '../../../src/commands/init/configTemplate.js';

const CONFIG_TEMPLATE = configTemplate();

const ROOT = new URL('../../../../', import.meta.url);
type Schema = Record<string, unknown>;

/** The draft-07 keywords configJsonSchema emits (format is advisory, as editors treat it). */
function valid(schema: Schema, value: unknown): boolean {
  const types = ([] as unknown[]).concat(schema.type ?? []);
  const typeOf = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
  if (types.length && !types.some((t) => t === typeOf(value) || (t === 'number' && typeOf(value) === 'integer')))
    return false;
  if (value === null) return true;
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) return false;
  if (typeof value === 'string' && typeof schema.minLength === 'number' && value.length < schema.minLength)
    return false;
  if (typeof value === 'string' && typeof schema.maxLength === 'number' && value.length > schema.maxLength)
    return false;
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
    return false;
  if (schema.oneOf && (schema.oneOf as Schema[]).filter((s) => valid(s, value)).length !== 1) return false;
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => valid(s, value))) return false;
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return false;
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return false;
    return value.every((item) => valid(schema.items as Schema, item));
  }
  if (typeof value === 'object') {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const obj = value as Record<string, unknown>;
    if (((schema.required ?? []) as string[]).some((k) => !(k in obj))) return false;
    if (schema.additionalProperties === false && Object.keys(obj).some((k) => !(k in props))) return false;
    return Object.entries(obj).every(([k, v]) => !(k in props) || valid(props[k]!, v));
  }
  return true;
}

const zodAccepts = (value: unknown) => configSchema.safeParse(value).success;

const SAMPLES: Record<string, unknown> = {
  empty: {},
  'the init template': CONFIG_TEMPLATE,
  'every section': {
    branch: 'main',
    remote: 'origin',
    digitalocean: { appId: 'a1b2' },
    database: {
      query: 'select status from d where sha = $1',
      states: { success: ['ok'], failed: ['bad'] },
      timeout: 2,
    },
    health: { url: 'https://example.com/health', commit: '$.version.commit', timeout: 5 },
    polling: { fastInterval: 5, fastFor: 0, slowInterval: 15, timeout: 1800 },
    conflicts: {
      maxAttempts: 5,
      backoffBase: 1,
      backoffCap: 30,
      rules: [{ paths: ['CHANGELOG.md'], strategy: 'union' }],
    },
    notify: { command: null, webhook: null },
    cleanup: { days: 0 },
  },
  'an unknown top-level key': { brnach: 'main' },
  'an unknown nested key': { polling: { fast: 1 } },
  'a number as text': { polling: { timeout: '30' } },
  'zero where positive': { polling: { fastInterval: 0 } },
  'a negative age': { cleanup: { days: -1 } },
  'a fractional attempt count': { conflicts: { maxAttempts: 2.5 } },
  'too many attempts': { conflicts: { maxAttempts: 51 } },
  'an unknown strategy': { conflicts: { rules: [{ paths: ['a'], strategy: 'ours' }] } },
  'a rule without paths': { conflicts: { rules: [{ paths: [], strategy: 'union' }] } },
  'an empty branch': { branch: '' },
  'digitalocean without appId': { digitalocean: {} },
  'several apps': {
    digitalocean: {
      apps: [
        { id: 'a1', name: 'api' },
        { id: 'w2', name: 'web-2' },
      ],
    },
  },
  'both appId and apps': { digitalocean: { appId: 'a1', apps: [{ id: 'w2', name: 'web' }] } },
  'an empty app list': { digitalocean: { apps: [] } },
  'an app name with capitals': { digitalocean: { apps: [{ id: 'a1', name: 'API' }] } },
  'an app name too long': { digitalocean: { apps: [{ id: 'a1', name: 'a'.repeat(33) }] } },
  'an app without a name': { digitalocean: { apps: [{ id: 'a1' }] } },
  'a null command': { notify: { command: null } },
  'an empty command': { notify: { command: '' } },
  'a GitHub section': { github: { repo: 'acme/shop', statuses: true, deployments: true, environment: 'staging' } },
  'a GitHub repo without an owner': { github: { repo: 'shop' } },
  'GitHub statuses as text': { github: { statuses: 'yes' } },
  'an empty GitHub environment': { github: { environment: '' } },
  'a GitLab section with a subgroup path': { gitlab: { project: 'acme/web/shop', statuses: true } },
  'a GitLab project id': { gitlab: { project: 4242 } },
  'a GitLab project id as text': { gitlab: { project: '4242' } },
  'a GitLab project without a group': { gitlab: { project: 'shop' } },
  'a GitLab project id of zero': { gitlab: { project: 0 } },
  'a fractional GitLab project id': { gitlab: { project: 1.5 } },
  'an unknown GitLab key': { gitlab: { repo: 'acme/shop' } },
  $schema: { $schema: SCHEMA_REF },
};

describe('config JSON Schema', () => {
  it('the shipped file is what the build generates from the zod schema', () => {
    assert.equal(readFileSync(new URL(SCHEMA_FILE, ROOT), 'utf8'), configJsonSchemaText());
    const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { files: string[] };
    assert.ok(pkg.files.includes(SCHEMA_FILE), 'shipped in the package');
  });

  it('accepts and rejects what zod accepts and rejects', () => {
    const schema = configJsonSchema();
    for (const [name, value] of Object.entries(SAMPLES)) {
      assert.equal(
        valid(schema, value),
        zodAccepts(value),
        `${name}: zod ${zodAccepts(value) ? 'accepts' : 'rejects'} it`,
      );
    }
    assert.ok(Object.values(SAMPLES).some((v) => !zodAccepts(v)) && Object.values(SAMPLES).some(zodAccepts));
  });

  it('carries the same defaults', () => {
    const defaults = configSchema.parse({}) as Record<string, unknown>;
    const props = configJsonSchema().properties as Record<string, { default?: unknown }>;
    for (const [key, value] of Object.entries(defaults)) assert.deepEqual(props[key]?.default, value, key);
  });

  it("init's template points editors at it, and the parser accepts the key", () => {
    assert.equal(CONFIG_TEMPLATE.$schema, './node_modules/deploy-watch/config.schema.json');
    assert.equal(parseConfig(CONFIG_TEMPLATE, 'template', {}).$schema, SCHEMA_REF);
  });
});
