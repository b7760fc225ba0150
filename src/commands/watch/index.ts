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
  for (;;) {
    view.update(evaluation);
    if (isSettled(evaluation, deps.now() >= appearDeadline)) break;
    await deps.sleep(options.intervalMs);
    evaluation = await evaluate(store, sha);
  }
  view.end();
  const logTail = evaluation.outcome === 'failed' ? await store.tailLog(sha, LOG_TAIL_LINES) : null;
  renderCheck(evaluation, logTail, { deps, waitedSeconds: null });
  return evaluation.exitCode;
}

function isSettled(e: Evaluation, appearTimeUp: boolean): boolean {
  if (e.outcome === 'success' || e.outcome === 'failed') return true;
  if (e.outcome === 'not_found') return e.unknown !== 'no-record' || appearTimeUp;
  return false;
}
