// Reads a commit's record until its outcome is known, the monitor is gone, or time is up: every 200 ms on
// files; on a team store as its record feed says (woken by NOTIFY where the connection allows it, else a
// poll of the table). Shared by `check --wait` and the library's waitForDeployment.
import { untilAborted } from '../kernel/untilAborted.js';
import { EXIT } from '../kernel/exitCodes.js';
import { evaluate, type Evaluation } from './outcome.js';
import type { RecordFeed, StatusStore } from './statusStore.js';

export const WAIT_POLL_MS = 200;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Starts a monitor when nobody watches a pushed commit (the hooks may have been skipped); true if started. */
export type EnsureWatched = (sha: string, evaluation: Evaluation) => Promise<boolean>;

export async function waitForOutcome(
  store: StatusStore,
  sha: string,
  waitMs: number,
  clock: Clock,
  opts: { first?: Evaluation; ensureWatched?: EnsureWatched; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<Evaluation> {
  const deadline = clock.now() + waitMs;
  let evaluation = opts.first ?? (await evaluate(store, sha));
  let started = false;
  let triedToWatch = false;
  let feed: RecordFeed | null = null;
  try {
    for (;;) {
      if (evaluation.exitCode === EXIT.success) return evaluation;
      // A failure is final at once, but its build log is the answer the caller waits for: while the monitor
      // is still fetching it, keep waiting for it within the same deadline.
      if (evaluation.exitCode === EXIT.failed && (!logsPending(evaluation, clock.now()) || clock.now() >= deadline))
        return evaluation;
      if (evaluation.outcome === 'not_found') {
        if (opts.ensureWatched && !triedToWatch && evaluation.unknown !== 'corrupt') {
          triedToWatch = true;
          started = await opts.ensureWatched(sha, evaluation);
          // Handing over can take a while (a watcher that died holds its lock for a few seconds): answer from now.
          if (started) {
            evaluation = await evaluate(store, sha);
            continue;
          }
        }
        // A record that has not appeared yet is worth waiting for, and so is a dead monitor's when we just
        // started one that resumes it. A final record (stopped, with its cause or by a user, or a start that
        // failed) is the answer, even one the monitor we started wrote a moment ago; a corrupt one is the user's.
        // An unreachable team store is worth waiting for too: the answer comes once it is back.
        if (
          evaluation.unknown !== 'no-record' &&
          evaluation.unknown !== 'store-unreachable' &&
          !(started && evaluation.unknown === 'stale')
        )
          return evaluation;
      }
      if (clock.now() >= deadline || opts.signal?.aborted) return evaluation;
      if (!feed && store.recordFeed) {
        feed = await store.recordFeed(sha);
        evaluation = await evaluate(store, sha); // written between the first read and the feed's start
        continue;
      }
      const ms = Math.min(opts.intervalMs ?? feed?.pollMs ?? WAIT_POLL_MS, Math.max(0, deadline - clock.now()));
      // An abort ends the wait at once, whether it sleeps on the clock or on the feed (up to its safety poll).
      await untilAborted(feed?.next ? feed.next(ms) : clock.sleep(ms), opts.signal, undefined);
      evaluation = await evaluate(store, sha);
    }
  } finally {
    await feed?.close();
  }
}

/** Logs still being fetched within their budget (past `until` the monitor has given up, or died). */
function logsPending(evaluation: Evaluation, now: number): boolean {
  const logs = evaluation.record?.logs;
  if (logs?.state !== 'fetching') return false;
  const until = Date.parse(logs.until ?? '');
  return !Number.isFinite(until) || now < until;
}
