// The typed library API: what agents and swarm managers call instead of parsing CLI output.
// The CLI's commands use the same core functions.
import { exitCodeOf } from './push/pushExitCode.js';
import { checkPreconditions } from './push/preconditions.js';
import { pushWithRetry as pushRetrying, type PushReport } from './push/pushWithRetry.js';
import { machineQueue } from './push/queue/machineQueue.js';
import type { Turn } from './push/queue/pushQueue.js';
import { readRepoState } from './push/repoState.js';
import { realClock, realSleep } from './kernel/clock.js';
import { resolveCommit } from './store/commitRef.js';
import { loadConfig } from './kernel/config/config.js';
import { askerName } from './kernel/machine.js';
import { createGit } from './git/git.js';
import {
  stopFollowing,
  stopWatcher as stopWatcherIn,
  watcherStatus as watcherStatusIn,
  type MonitorEntry,
  type StopAllResult,
  type StopResult,
  type WatcherStatus,
} from './watcher/control.js';
import { evaluate, type Evaluation } from './store/outcome.js';
import { waitForOutcome } from './store/waitForOutcome.js';
import { type OpenedRepo, openRepo, type RepoOptions } from './runtime.js';
import { teamPushQueue } from './push/queue/teamQueue.js';

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
export async function listMonitors(options: RepoOptions = {}): Promise<MonitorEntry[]> {
  return withRepo(options, async ({ store }) => (await watcherStatusIn(store)).commits);
}

/** The watcher (PID, start, memory) and its commits, like `manage status --json`. */
export async function watcherStatus(options: RepoOptions = {}): Promise<WatcherStatus> {
  return withRepo(options, ({ store }) => watcherStatusIn(store));
}

/** Stops following one commit (recorded `stopped`; the others go on), like `manage stop <sha>`. */
export async function stopMonitor(
  commit: string,
  options: RepoOptions & { graceMs?: number } = {},
): Promise<StopResult> {
  return withRepo(options, async ({ store, kill, env }) => {
    const sha = await resolveCommit(commit, { store, head: null, storeOnly: true });
    return stopFollowing(sha, options.graceMs ?? 5000, { store, kill, ...realClock, by: askerName(env) });
  });
}

/** Ends the watcher (SIGTERM, then SIGKILL after `graceMs`), every commit recorded `stopped`, like `manage stop --all`. */
export async function stopWatcher(options: RepoOptions & { graceMs?: number } = {}): Promise<StopAllResult> {
  return withRepo(options, ({ store, kill, env }) =>
    stopWatcherIn(options.graceMs ?? 5000, { store, kill, ...realClock, by: askerName(env) }),
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
  const { env, repo } = openRepo(options);
  const git = createGit(repo.topLevel, env); // git's unmerged paths are relative to the top folder
  const pre = checkPreconditions(await readRepoState(git), { remote: options.remote, branch: options.branch });
  if (!pre.ok) return { outcome: 'refused', exitCode: pre.exitCode, message: pre.message };
  const config = loadConfig(repo.topLevel, env);
  const { conflicts } = config;
  let turn: Turn | null = null;
  const team =
    options.queue !== false
      ? teamPushQueue(config, env, { now: realClock.now, warn: (m) => process.stderr.write(`deploy-watch: ${m}\n`) })
      : null;
  if (options.queue !== false) {
    const line = await machineQueue(git, repo.topLevel, pre.target, {
      env,
      now: realClock.now,
      turnTimeoutSeconds: conflicts.turnTimeout,
      team,
    });
    turn = await line.queue
      .enter(line.key, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onWait ? { onWait: options.onWait } : {}),
      })
      .catch(async (error) => {
        await team?.close();
        throw error;
      });
  }
  try {
    const report = await pushRetrying(pre.target, conflicts, {
      git,
      topLevel: repo.topLevel,
      sleep: realSleep,
      random: Math.random,
      // The remote has it: the next in line can start while this one checks that it landed.
      onAccepted: async () => void (await turn?.release()),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    });
    return { ...report, exitCode: exitCodeOf(report) };
  } finally {
    await turn?.release();
    await team?.close();
  }
}

export type { Evaluation, MonitorEntry, PushReport, RepoOptions, StopAllResult, StopResult, WatcherStatus };
