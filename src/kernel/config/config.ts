// Configuration: deploy-watch.config.json (or package.json "deployWatch"), then env, checked by one zod schema
// (configSchema.ts).
// Secrets never come from the file: tokens and connection strings are read from env only.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { type FileConfig, configSchema, POLL_FLOOR_SECONDS } from './configSchema.js';
import { digitalOceanToken } from './doToken.js';
import { teamModeOf } from './teamMode.js';
import { readRawConfig } from './rawConfig.js';
import * as msg from '../messages.js';

export { CONFIG_FILE, readRawConfig } from './rawConfig.js';
export { type AppRef, configSchema, EXCLUSIVE_KEYS, type FileConfig, POLL_FLOOR_SECONDS } from './configSchema.js';
export const DEFAULT_DO_API_URL = 'https://api.digitalocean.com';

export interface Secrets {
  /** DIGITALOCEAN_ACCESS_TOKEN, else DIGITALOCEAN_TOKEN (see digitalOceanToken). */
  doToken: string | null;
  /** DATABASE_URL. */
  databaseUrl: string | null;
  /** DEPLOY_WATCH_STORE_URL: team mode's PostgreSQL (null: the state folder's files). */
  storeUrl: string | null;
}

export interface Config extends FileConfig {
  /** Where the values came from, for messages. */
  origin: string;
  doApiUrl: string;
  secrets: Secrets;
}

/** Env overrides (CONFIG_ENV_OVERRIDES, each below), so that CI and agents can change a key without editing the file. */
function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (env.DEPLOY_WATCH_BRANCH) out.branch = env.DEPLOY_WATCH_BRANCH;
  if (env.DEPLOY_WATCH_REMOTE) out.remote = env.DEPLOY_WATCH_REMOTE;
  if (env.DEPLOY_WATCH_APP_ID) {
    // One app from the environment replaces the file's app or apps: an override, not an addition.
    const { apps: _apps, ...rest } = (out.digitalocean ?? {}) as Record<string, unknown>;
    out.digitalocean = { ...rest, appId: env.DEPLOY_WATCH_APP_ID };
  }
  if (env.DEPLOY_WATCH_HEALTH_URL)
    out.health = { ...(out.health as object | undefined), url: env.DEPLOY_WATCH_HEALTH_URL };
  return out;
}

const SECRET_KEYS = /token|password|secret|database_?url|connection/i;

export function parseConfig(raw: unknown, origin: string, env: NodeJS.ProcessEnv): Config {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(msg.configNotObject(origin));
  for (const key of secretKeysIn(raw)) throw new ConfigError(msg.configHoldsSecret(origin, key));
  const merged = applyEnv(raw as Record<string, unknown>, env);
  const result = configSchema.safeParse(merged);
  const doApiUrl = env.DEPLOY_WATCH_DO_API_URL || DEFAULT_DO_API_URL;
  // Every problem in one run, so fixing the file takes one round, not one per key.
  const problems = [
    ...(result.success ? [] : result.error.issues.flatMap(problemsOf)),
    ...pollingFloorProblems(merged, doApiUrl),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(msg.configInvalid(origin, problems));
  if (!/^https?:\/\//.test(doApiUrl)) throw new ConfigError(msg.badApiUrl(doApiUrl));
  return {
    ...result.data,
    origin,
    doApiUrl: doApiUrl.replace(/\/+$/, ''),
    secrets: {
      doToken: digitalOceanToken(env),
      databaseUrl: env.DATABASE_URL || null,
      storeUrl: teamModeOf(env)?.url ?? null,
    },
  };
}

/** One line per key: an unrecognized_keys issue names each unknown key of its object on a line of its own. */
function problemsOf(issue: z.ZodIssue): msg.ConfigProblem[] {
  const key = issue.path.join('.');
  const allowed = allowedFor(issue.path);
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((k) => ({ key: key ? `${key}.${k}` : k, problem: 'is not a known key', allowed }));
  return [{ key: key || '(top level)', problem: issue.message, allowed }];
}

/**
 * The polling intervals below the floor when DigitalOcean is asked: sub-second polling only against an API on
 * this machine (the tests' fake DigitalOcean), never against the real one, whose hourly budget the whole
 * team shares. A database or health endpoint is the team's own, bounded by the schema's minimum alone.
 * Read from the unparsed config, so these come in the same list as the schema's own problems.
 */
function pollingFloorProblems(merged: Record<string, unknown>, doApiUrl: string): msg.ConfigProblem[] {
  if (!merged.digitalocean) return [];
  if (/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(doApiUrl)) return [];
  const polling = (merged.polling ?? {}) as Record<string, unknown>;
  return (['fastInterval', 'slowInterval'] as const).flatMap((key) => {
    const value = polling[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < POLL_FLOOR_SECONDS
      ? [{ key: `polling.${key}`, problem: msg.pollFloor(value, POLL_FLOOR_SECONDS), allowed: null }]
      : [];
  });
}

function secretKeysIn(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (SECRET_KEYS.test(key) && typeof child === 'string') found.push(path);
    found.push(...secretKeysIn(child, path));
  }
  return found;
}

/** The keys allowed where the error was, so the message can say what would be accepted. */
function allowedFor(path: readonly (string | number)[]): string | null {
  let shape: z.ZodTypeAny = configSchema;
  for (const part of path) {
    const inner = unwrap(shape);
    if (inner instanceof z.ZodObject) shape = inner.shape[part as string] ?? inner;
    else if (inner instanceof z.ZodArray) shape = inner.element;
  }
  const inner = unwrap(shape);
  if (inner instanceof z.ZodObject) return Object.keys(inner.shape).join(', ');
  if (inner instanceof z.ZodEnum) return (inner.options as string[]).join(', ');
  return null;
}

function unwrap(shape: z.ZodTypeAny): z.ZodTypeAny {
  let s = shape;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s._def.innerType;
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else return s;
  }
}

/**
 * The App Platform apps to watch: the `apps` list, or the single `appId` (name null: records name no app,
 * as before there could be several).
 */
export function configuredApps(config: Pick<Config, 'digitalocean'>): Array<{ id: string; name: string | null }> {
  const section = config.digitalocean;
  if (!section) return [];
  return section.apps ?? (section.appId ? [{ id: section.appId, name: null }] : []);
}

export function loadConfig(topLevel: string, env: NodeJS.ProcessEnv): Config {
  const { raw, origin } = readRawConfig(topLevel);
  return parseConfig(raw, origin, env);
}

/** The key a team's commits and lease are filed under: `team.project`, else the app ids, else the branch. */
export function teamProject(config: Pick<Config, 'team' | 'digitalocean' | 'branch'>): string {
  if (config.team.project) return config.team.project;
  const apps = configuredApps(config).map((app) => app.id);
  return apps.length > 0 ? `do:${apps.sort().join(',')}` : `branch:${config.branch}`;
}
