// `deploy-watch push [remote] [branch]` (alias resolve-conflicts): refuse what is unsafe before
// touching anything, then push with conflict handling and retry (src/push/push.ts); this file parses and renders.
import type { Deps } from '../../deps.js';
import { PUSH_EXIT } from '../../kernel/exitCodes.js';
import * as msg from '../../kernel/messages.js';
import { push, type PushRequest } from '../../push/push.js';
import type { PushQueue, QueueKey, Turn } from '../../push/queue/pushQueue.js';
import { renderHuman, renderJson } from './render.js';
import { waitingView } from './waiting.js';

export type PushOptions = PushRequest;

/** Exit code of a push interrupted (Ctrl-C) while it waited for its turn: 128 + SIGINT. */
export const INTERRUPTED_EXIT = PUSH_EXIT.interrupted;

export async function runPush(options: PushOptions, deps: Deps, random: () => number = Math.random): Promise<number> {
  const run = await push(options, {
    env: deps.env,
    team: deps.team(),
    topLevel: deps.repo().topLevel,
    config: deps.config,
    now: deps.now,
    sleep: deps.sleep,
    random,
    warn: (m) => deps.stderr.write(`deploy-watch: ${m}\n`),
    takeTurn: (queue, key) => waitForTurn(queue, key, deps),
    onRetry: (attempt, reason, ms, maxAttempts) => {
      if (!deps.globals.quiet && !deps.globals.json)
        deps.stderr.write(`${msg.pushRetrying(attempt, maxAttempts, reason, ms)}\n`);
    },
  });
  if (run.outcome === 'refused') {
    const nothing = run.exitCode === PUSH_EXIT.pushed; // no commit yet: nothing to push, not a refusal
    if (deps.globals.json) {
      const outcome = nothing ? 'up-to-date' : 'refused';
      deps.stdout.write(`${JSON.stringify({ outcome, exitCode: run.exitCode, message: run.message })}\n`);
    }
    if (!(nothing && deps.globals.quiet)) deps.stderr.write(`deploy-watch: ${run.message}\n`);
    return run.exitCode;
  }
  if (run.outcome === 'interrupted') {
    if (deps.globals.json)
      deps.stdout.write(
        `${JSON.stringify({ outcome: 'interrupted', exitCode: INTERRUPTED_EXIT, message: msg.PUSH_INTERRUPTED })}\n`,
      );
    deps.stderr.write(`deploy-watch: ${msg.PUSH_INTERRUPTED}\n`);
    return INTERRUPTED_EXIT;
  }
  if (deps.globals.json) deps.stdout.write(`${renderJson(run.target, run.report, run.queue)}\n`);
  else renderHuman(run.target, run.report, deps);
  return run.exitCode;
}

/** Waits in line; null when Ctrl-C (or SIGTERM) came first, with the ticket already given back. */
async function waitForTurn(queue: PushQueue, key: QueueKey, deps: Deps): Promise<Turn | null> {
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const view = waitingView(deps);
  try {
    return await queue.enter(key, { signal: abort.signal, onWait: (ahead) => view.update(ahead) });
  } catch (error) {
    if (abort.signal.aborted) return null;
    throw error;
  } finally {
    view.done();
    // From here on a signal ends the process as before; a ticket left by a killed holder is stale.
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
