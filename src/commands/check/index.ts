// `deploy-watch check [sha]`: reads the status record and answers with check's exit codes.
import type { Deps } from '../../core/deps.js';
import { EXIT } from '../../core/errors.js';
import { resolveCommit } from '../../core/commitRef.js';
import { evaluate, type Evaluation } from '../../core/outcome.js';
import { renderCheck } from './render.js';

export interface CheckOptions {
  commit?: string;
  /** Seconds to wait for a final outcome; undefined: answer at once. */
  wait?: number;
}

export const LOG_TAIL_LINES = 20;
const WAIT_POLL_MS = 200;

/** Hook for the post-push gap: starts a monitor when nobody watches a pushed commit (hooks issue). */
export type EnsureWatched = (sha: string, evaluation: Evaluation) => Promise<boolean>;

export async function runCheck(options: CheckOptions, deps: Deps, ensureWatched?: EnsureWatched): Promise<number> {
  const repo = deps.repo();
  const store = deps.store();
  const sha = await resolveCommit(options.commit, { git: deps.git(), store, head: repo.head });
  let evaluation = await evaluate(store, sha);
  if (options.wait !== undefined && options.wait > 0) {
    evaluation = await waitForOutcome(sha, evaluation, options.wait * 1000, deps, ensureWatched);
  }
  const logTail = evaluation.outcome === 'failed' ? await store.tailLog(sha, LOG_TAIL_LINES) : null;
  renderCheck(evaluation, logTail, { deps, waitedSeconds: options.wait ?? null });
  return evaluation.exitCode;
}

/** Polls the record until it is final, the monitor is gone, or the time is up. */
export async function waitForOutcome(sha: string, first: Evaluation, waitMs: number, deps: Deps, ensureWatched?: EnsureWatched): Promise<Evaluation> {
  const store = deps.store();
  const deadline = deps.now() + waitMs;
  let evaluation = first;
  let started = false;
  let triedToWatch = false;
  for (;;) {
    if (evaluation.exitCode === EXIT.success || evaluation.exitCode === EXIT.failed) return evaluation;
    if (evaluation.outcome === 'not_found') {
      // The hooks may have been skipped (--no-verify, HUSKY=0): offer once to start a monitor.
      if (ensureWatched && !triedToWatch && evaluation.unknown !== 'corrupt') {
        triedToWatch = true;
        started = await ensureWatched(sha, evaluation);
      }
      // A record that has not appeared yet is worth waiting for; a stopped, dead or corrupt one is not,
      // unless we just started a monitor that will rewrite it.
      if (evaluation.unknown !== 'no-record' && !started) return evaluation;
    }
    if (deps.now() >= deadline) return evaluation;
    await deps.sleep(Math.min(WAIT_POLL_MS, Math.max(0, deadline - deps.now())));
    evaluation = await evaluate(store, sha);
  }
}
