// `deploy-watch watch [sha]`: a live view of one deployment until it ends (like `gh run watch`).
import type { Deps } from '../../deps.js';
import { resolveCommit } from '../../store/commitRef.js';
import { evaluate, type Evaluation } from '../../store/outcome.js';
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
  // Alongside the view, not before it: loading the config and asking git must not delay what it shows.
  const ensuring = evaluation.outcome === 'not_found' ? ensureWatched(deps, sha, evaluation) : null;
  for (;;) {
    view.update(evaluation);
    const started = ensuring ? ensuring.settled() : false;
    if (started !== null && isSettled(evaluation, deps.now() >= appearDeadline, started)) break;
    await deps.sleep(options.intervalMs);
    evaluation = await evaluate(store, sha);
  }
  await ensuring?.done; // its error, if any, is the command's
  view.end();
  const logTail = evaluation.outcome === 'failed' ? await store.tailLog(sha, LOG_TAIL_LINES) : null;
  renderCheck(evaluation, logTail, { deps, waitedSeconds: null });
  return evaluation.exitCode;
}

/** Starts the monitor in the background; `settled()` answers at once: null while it is still deciding. */
function ensureWatched(deps: Deps, sha: string, first: Evaluation) {
  let started: boolean | null = null;
  const done = import('../../hooks/ensureWatched.js')
    .then((m) => m.makeEnsureWatched(deps)(sha, first))
    .then((s) => void (started = s));
  done.catch(() => (started = false)); // settles the loop; the error itself comes out of `done` after it
  return { done, settled: (): boolean | null => started };
}

/** `started`: the monitor just started will replace a missing or dead one's record; wait for it as for a new one. */
function isSettled(e: Evaluation, appearTimeUp: boolean, started: boolean): boolean {
  if (e.outcome === 'success' || e.outcome === 'failed') return true;
  const replaced = e.unknown === 'no-record' || (started && e.unknown === 'stale');
  if (e.outcome === 'not_found') return !replaced || appearTimeUp;
  return false;
}
