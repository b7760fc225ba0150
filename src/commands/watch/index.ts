// `deploy-watch watch [sha]`: a live view of one deployment until it ends (like `gh run watch`).
import type { Deps } from '../../core/deps.js';
import { resolveCommit } from '../../core/commitRef.js';
import { evaluate, type Evaluation } from '../../core/outcome.js';
import { LOG_TAIL_LINES } from '../check/index.js';
import { renderCheck } from '../check/render.js';
import { createWatchView } from './render.js';

export interface WatchOptions {
  commit?: string;
  /** How long to wait for a record to appear when nothing watches the commit yet (seconds). */
  appearTimeout: number;
  /** Milliseconds between reads of the record. */
  intervalMs: number;
}

export async function runWatch(options: WatchOptions, deps: Deps): Promise<number> {
  const store = deps.store();
  const sha = await resolveCommit(options.commit, { git: deps.git(), store, head: deps.repo().head });
  const view = createWatchView(sha, deps);
  const appearDeadline = deps.now() + options.appearTimeout * 1000;
  let evaluation: Evaluation = await evaluate(store, sha);
  // As check --wait does: a pushed commit nobody watches (hooks skipped, a monitor that died) gets a monitor.
  const started =
    evaluation.outcome === 'not_found' &&
    (await (await import('../../hooks/ensureWatched.js')).makeEnsureWatched(deps)(sha, evaluation));
  if (evaluation.outcome === 'not_found') evaluation = await evaluate(store, sha); // started, or a start failure recorded
  for (;;) {
    view.update(evaluation);
    if (isSettled(evaluation, deps.now() >= appearDeadline, started)) break;
    await deps.sleep(options.intervalMs);
    evaluation = await evaluate(store, sha);
  }
  view.end();
  const logTail = evaluation.outcome === 'failed' ? await store.tailLog(sha, LOG_TAIL_LINES) : null;
  renderCheck(evaluation, logTail, { deps, waitedSeconds: null });
  return evaluation.exitCode;
}

/** `started`: the monitor just started will replace a missing or dead one's record; wait for it as for a new one. */
function isSettled(e: Evaluation, appearTimeUp: boolean, started: boolean): boolean {
  if (e.outcome === 'success' || e.outcome === 'failed') return true;
  const replaced = e.unknown === 'no-record' || (started && e.unknown === 'stale');
  if (e.outcome === 'not_found') return !replaced || appearTimeUp;
  return false;
}
