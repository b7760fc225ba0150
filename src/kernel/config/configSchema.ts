// The config file's zod schema: every key, its default and its bounds (config.ts reads, merges the
// environment and reports problems; jsonSchema.ts derives the editors' JSON Schema from this).
import { z } from 'zod';
import { DEFAULT_BRANCH, DEFAULT_BRANCH_PATTERN, DEFAULT_REMOTE } from './defaults.js';
import * as msg from '../messages.js';

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
    // Publishing outcomes to GitHub (on with a GITHUB_TOKEN or GH_TOKEN): the repository (default: the
    // remote's GitHub URL, else the app spec's), commit statuses, and a Deployment per commit in `environment`.
    github: z
      .object({
        repo: z
          .string()
          .max(200, msg.GITHUB_REPO_RULE)
          .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, msg.GITHUB_REPO_RULE)
          .optional(),
        statuses: z.boolean().default(true),
        deployments: z.boolean().default(false),
        environment: z.string().min(1).max(255).default('production'),
      })
      .strict()
      .default({}),
    // Publishing outcomes to GitLab (on with a GITLAB_TOKEN, like GitHub's): the project, "group/name" or its
    // id (default: the remote's URL on GITLAB_API_URL's host, else the app spec's), and commit statuses.
    gitlab: z
      .object({
        project: z
          .union([
            z
              .string()
              .max(255, msg.GITLAB_PROJECT_RULE)
              .regex(/^(?:\d+|[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+)$/, msg.GITLAB_PROJECT_RULE),
            z.number().int(msg.GITLAB_PROJECT_RULE).positive(msg.GITLAB_PROJECT_RULE),
          ])
          .optional(),
        statuses: z.boolean().default(true),
      })
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

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    // new RegExp throws only for a malformed pattern, which is the answer here, not an error to report.
    return false;
  }
}
