// The typed library API: what agents and swarm managers call instead of parsing CLI output.
// The CLI's commands use the same core functions.
import { push } from './push/push.js';
import type { PushReport } from './push/pushWithRetry.js';
import { realClock } from './kernel/clock.js';
import { InternalError } from './kernel/errors.js';
import { resolveCommit } from './store/commitRef.js';
import { loadConfig } from './kernel/config/config.js';
import { askerName } from './kernel/machine.js';
import {
  stopFollowing as stopFollowingIn,
  stopWatcher as stopWatcherIn,
  watcherStatus as watcherStatusIn,
  type FollowedCommit,
  type StopAllResult,
  type StopResult,
  type WatcherStatus,
} from './watcher/control.js';
import { evaluate, type Evaluation } from './store/outcome.js';
import { waitForOutcome } from './store/waitForOutcome.js';
import { type OpenedRepo, openRepo, type RepoOptions } from './runtime.js';

/** The outcome of a commit's deployment now: same answer and exit code as `deploy-watch check`. */
export async function checkDeployment(commit?: string, options: RepoOptions = {}): Promise<Evaluation> {
  return withRepo(options, async ({ store, resolveSha }) => evaluate(store, await resolveSha(commit)));
}

/** Runs one call on the repository and closes its store after (a team store's pool holds connections). */
async function withRepo<T>(options: RepoOptions, call: (opened: OpenedRepo) => Promise<T>): Promise<T> {
  const opened = openRepo(options);
  try {
    return await call(opened);
  } finally {
    await opened.store.close?.();
  }
}

/** Waits up to `timeoutMs` for a final outcome (polling every `intervalMs`), like `check --wait`. */
export async function waitForDeployment(
  commit: string | undefined,
  options: RepoOptions & { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<Evaluation> {
  return withRepo(options, async ({ store, resolveSha }) =>
    waitForOutcome(store, await resolveSha(commit), options.timeoutMs, realClock, {
      intervalMs: options.intervalMs,
      signal: options.signal,
    }),
  );
}

/** The commits this clone's watcher follows (and stale ones), newest first. */
export async function listFollowed(options: RepoOptions = {}): Promise<FollowedCommit[]> {
  return withRepo(options, async ({ store, team }) => (await watcherStatusIn(store, team !== null)).commits);
}

/** The watcher (PID, start, memory) and its commits, like `manage status --json`. */
export async function watcherStatus(options: RepoOptions = {}): Promise<WatcherStatus> {
  return withRepo(options, ({ store, team }) => watcherStatusIn(store, team !== null));
}

/** Stops following one commit (recorded `stopped`; the others go on), like `manage stop <sha>`. */
export async function stopFollowing(
  commit: string,
  options: RepoOptions & { graceMs?: number } = {},
): Promise<StopResult> {
  return withRepo(options, async ({ store, team, kill, env }) => {
    const sha = await resolveCommit(commit, { store, head: null, storeOnly: true });
    const stop = { store, team: team !== null, kill, ...realClock, by: askerName(env) };
    return stopFollowingIn(sha, options.graceMs ?? 5000, stop);
  });
}

/** Ends the watcher (SIGTERM, then SIGKILL after `graceMs`), every commit recorded `stopped`, like `manage stop --all`. */
export async function stopWatcher(options: RepoOptions & { graceMs?: number } = {}): Promise<StopAllResult> {
  return withRepo(options, ({ store, team, kill, env }) =>
    stopWatcherIn(options.graceMs ?? 5000, { store, team: team !== null, kill, ...realClock, by: askerName(env) }),
  );
}

export type PushResult =
  | { outcome: 'refused'; exitCode: number; message: string }
  | (PushReport & { exitCode: number });

/** `deploy-watch push`: refuses what is unsafe, then pushes with rebase, rule-based merges and retry. */
export async function pushWithRetry(
  options: RepoOptions & {
    remote?: string;
    branch?: string;
    onRetry?: (attempt: number, reason: string, delayMs: number) => void;
    /** false: race the other pushers instead of taking turns in this machine's push queue (--no-queue). */
    queue?: boolean;
    /** Told how many pushes are ahead while it waits for its turn; aborting `signal` gives the ticket back. */
    onWait?: (ahead: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<PushResult> {
  const { env, repo, team } = openRepo(options);
  const run = await push(options, {
    env,
    team,
    topLevel: repo.topLevel,
    config: async () => loadConfig(repo.topLevel, env),
    ...realClock,
    random: Math.random,
    warn: (m) => process.stderr.write(`deploy-watch: ${m}\n`),
    // Aborting `signal` rejects with its reason (the ticket given back), as before.
    takeTurn: (queue, key) =>
      queue.enter(key, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onWait ? { onWait: options.onWait } : {}),
      }),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  if (run.outcome === 'done') return { ...run.report, exitCode: run.exitCode };
  if (run.outcome === 'refused') return run;
  throw new InternalError('the library API never reports an interrupted wait: its enter rejects instead');
}

export type { Evaluation, FollowedCommit, PushReport, RepoOptions, StopAllResult, StopResult, WatcherStatus };

// The names before the glossary (issue 21): kept so callers written against them go on working.
/** @deprecated Use listFollowed: the watcher follows commits; "monitor" is only the command's name. */
export const listMonitors = listFollowed;
/** @deprecated Use stopFollowing. */
export const stopMonitor = stopFollowing;
/** @deprecated Use FollowedCommit. */
export type MonitorEntry = FollowedCommit;
