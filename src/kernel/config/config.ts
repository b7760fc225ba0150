// Configuration: deploy-watch.config.json (or package.json "deployWatch"), then env, one zod schema.
// Secrets never come from the file: tokens and connection strings are read from env only.
import { z } from 'zod';
import { DEFAULT_BRANCH, DEFAULT_BRANCH_PATTERN, DEFAULT_REMOTE } from './defaults.js';
import { ConfigError } from '../errors.js';
import { digitalOceanToken } from './doToken.js';
import { teamModeOf } from './teamMode.js';
import { readRawConfig } from './rawConfig.js';
import * as msg from '../messages.js';

export { CONFIG_FILE, readRawConfig } from './rawConfig.js';
export const DEFAULT_DO_API_URL = 'https://api.digitalocean.com';

// Every number is bounded, both ends named in its error: a tiny interval spends the team's DigitalOcean
// budget in seconds, a huge one overflows a timer (Node fires anything over 2^31-1 ms after 1 ms), and JSON's
// 1e400 is Infinity. Seconds up to a day keep every timer far below 2^31-1 ms (24.8 days).
const DAY = 86_400;
const HOUR = 3_600;
const within = (min: number, max: number, unit = 'seconds') =>
  z.number().min(min, msg.atLeast(min, unit)).max(max, msg.atMost(max, unit));
const aboveZero = (max: number) => z.number().gt(0, msg.moreThan(0, 'seconds')).max(max, msg.atMost(max, 'seconds'));
/** Polling below this many seconds is for a test API on this machine only (see pollingFloor). */
export const POLL_FLOOR_SECONDS = 1;
const globList = z.array(z.string().min(1)).min(1);

/** One App Platform app of several that a push deploys; the name labels it in records and messages. */
const appSchema = z
  .object({
    id: z.string().min(1),
    name: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9-]+$/, { message: msg.APP_NAME_RULE }),
  })
  .strict();

/** Object schemas with keys of which exactly one must be set; configJsonSchema states the rule as `oneOf`. */
export const EXCLUSIVE_KEYS = new WeakMap<z.ZodTypeAny, readonly string[]>();

function exactlyOneOf<T extends z.ZodTypeAny>(
  object: T,
  keys: readonly [string, string],
  problem: (count: number) => string,
): z.ZodEffects<T> {
  const refined = object.superRefine((value: Record<string, unknown>, ctx) => {
    const set = keys.filter((k) => value[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem(set.length) });
  });
  EXCLUSIVE_KEYS.set(refined, keys);
  return refined;
}

export interface AppRef {
  id: string;
  name: string;
}

function uniqueAppNames(value: { apps?: AppRef[] | undefined }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const [i, app] of (value.apps ?? []).entries()) {
    if (seen.has(app.name))
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['apps', i, 'name'], message: msg.duplicateAppName(app.name) });
    seen.add(app.name);
  }
}

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    branch: z.string().min(1).default(DEFAULT_BRANCH),
    remote: z.string().min(1).default(DEFAULT_REMOTE),
    branchPattern: z
      .string()
      .default(DEFAULT_BRANCH_PATTERN)
      .refine(isValidRegExp, { message: 'is not a valid regular expression' }),
    // logBudget: seconds the monitor keeps fetching a failed deployment's logs after recording the outcome.
    digitalocean: exactlyOneOf(
      z
        .object({
          appId: z.string().min(1).optional(),
          apps: z.array(appSchema).min(1).optional(),
          logBudget: aboveZero(HOUR).default(120),
        })
        .strict(),
      ['appId', 'apps'],
      msg.doAppKeys,
    )
      .superRefine(uniqueAppNames)
      .optional(),
    database: z
      .object({
        query: z
          .string()
          .min(1)
          .default('select status from deployments where commit_sha = $1 order by created_at desc limit 1'),
        states: z
          .object({
            success: z.array(z.string()).default(['deployed']),
            failed: z.array(z.string()).default(['failed']),
          })
          .strict()
          .default({}),
        timeout: aboveZero(300).default(2),
      })
      .strict()
      .optional(),
    health: z
      .object({ url: z.string().url(), commit: z.string().min(1).optional(), timeout: aboveZero(300).default(5) })
      .strict()
      .optional(),
    polling: z
      .object({
        fastInterval: within(0.01, HOUR).default(5),
        fastFor: within(0, DAY).default(60),
        slowInterval: within(0.01, HOUR).default(15),
        timeout: aboveZero(DAY).default(1800),
        // Seconds the watcher stays after its last commit ended, so the next push finds it running.
        linger: within(0, HOUR).default(30),
      })
      .strict()
      .superRefine((polling, ctx) => {
        if (polling.slowInterval < polling.fastInterval)
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['slowInterval'], message: msg.slowBelowFast });
      })
      .default({}),
    conflicts: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).default(5),
        backoffBase: aboveZero(600).default(1),
        backoffCap: aboveZero(HOUR).default(30),
        /** Seconds a push may hold the local queue's turn before the next in line takes over. */
        turnTimeout: within(1, HOUR).default(120),
        rules: z.array(z.object({ paths: globList, strategy: z.enum(['union', 'checklist']) }).strict()).default([
          { paths: ['ROADMAP.md', 'TODO.md', 'TASKS.md', 'docs/roadmap/**', '**/roadmap*.md'], strategy: 'checklist' },
          { paths: ['CHANGELOG.md', 'sessions/**', 'docs/sessions/**', '**/session-*.md'], strategy: 'union' },
        ]),
      })
      .strict()
      .default({}),
    notify: z
      .object({
        command: z.string().min(1).nullable().default(null),
        webhook: z.string().url().nullable().default(null),
      })
      .strict()
      .default({}),
    cleanup: z
      .object({ days: within(0, 3650, 'days').default(7) })
      .strict()
      .default({}),
    // Team mode (DEPLOY_WATCH_STORE_URL set): the PostgreSQL schema deploy-watch owns, the key that groups a
    // team's commits and lease (default: the App Platform app ids), and how long a poller's lease lasts.
    team: z
      .object({
        schema: z
          .string()
          // Up to 55 characters: its NOTIFY channel, `<schema>_records`, must fit PostgreSQL's 63.
          .regex(/^[a-z_][a-z0-9_]{0,54}$/, 'must be a lower-case SQL name (letters, digits, _), up to 55 characters')
          .default('deploy_watch'),
        project: z.string().min(1).max(200).optional(),
        lease: within(1, 600).default(30),
      })
      .strict()
      .default({}),
  })
  .strict();

export type FileConfig = z.infer<typeof configSchema>;

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

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Env overrides, so that CI and agents can change a key without editing the file. */
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
