// `deploy-watch push [remote] [branch]` (alias resolve-conflicts): refuse what is unsafe before
// touching anything, then push with conflict handling and retry (src/conflicts).
import type { Deps } from '../../deps.js';
import { createGit, type Git } from '../../git/git.js';
import type { Config } from '../../kernel/config/config.js';
import type { PushTarget } from '../../push/preconditions.js';
import { checkPreconditions } from '../../push/preconditions.js';
import { pushWithRetry } from '../../push/pushWithRetry.js';
import { readRepoState } from '../../push/repoState.js';
import * as msg from '../../kernel/messages.js';
import { exitCodeOf } from '../../push/pushExitCode.js';
import { PUSH_EXIT } from '../../kernel/exitCodes.js';
import { machineQueue } from '../../push/queue/machineQueue.js';
import type { PushQueue, QueueKey, Turn } from '../../push/queue/pushQueue.js';
import { teamPushQueue } from '../../push/queue/teamQueue.js';
import { renderHuman, renderJson } from './render.js';
import { waitingView } from './waiting.js';

export interface PushOptions {
  remote?: string;
  branch?: string;
  /** false: race the other pushers as before the queue (--no-queue). */
  queue?: boolean;
}

/** Exit code of a push interrupted (Ctrl-C) while it waited for its turn: 128 + SIGINT. */
export const INTERRUPTED_EXIT = PUSH_EXIT.interrupted;

export async function runPush(
  options: PushOptions,
  deps: Deps,
  random: () => number = Math.random,
  queue?: PushQueue,
): Promise<number> {
  // Bound to the top folder: `ls-files -u` and friends print paths relative to (and only under) cwd.
  const topLevel = deps.repo().topLevel;
  // Git's automatic maintenance (after fetch, after each rebased commit) would run inside the turn
  // while everyone else waits; it runs once after the push instead (see below).
  const git = createGit(topLevel, withoutAutoMaintenance(deps.env));
  const pre = checkPreconditions(await readRepoState(git), options);
  if (!pre.ok) {
    const nothing = pre.exitCode === PUSH_EXIT.pushed; // no commit yet: nothing to push, not a refusal
    if (deps.globals.json) {
      const outcome = nothing ? 'up-to-date' : 'refused';
      deps.stdout.write(`${JSON.stringify({ outcome, exitCode: pre.exitCode, message: pre.message })}\n`);
    }
    if (!(nothing && deps.globals.quiet)) deps.stderr.write(`deploy-watch: ${pre.message}\n`);
    return pre.exitCode;
  }
  const config = await deps.config();
  const { conflicts } = config;
  let turn: Turn | null = null;
  const team =
    options.queue !== false && !queue
      ? teamPushQueue(config, deps.env, { now: deps.now, warn: (m) => deps.stderr.write(`deploy-watch: ${m}\n`) })
      : null;
  if (options.queue !== false) {
    const line = await machineQueue(git, topLevel, pre.target, {
      env: deps.env,
      now: deps.now,
      turnTimeoutSeconds: conflicts.turnTimeout,
      team,
    });
    turn = await waitForTurn(queue ?? line.queue, line.key, deps);
    if (!turn) {
      await team?.close();
      if (deps.globals.json)
        deps.stdout.write(
          `${JSON.stringify({ outcome: 'interrupted', exitCode: INTERRUPTED_EXIT, message: msg.PUSH_INTERRUPTED })}\n`,
        );
      deps.stderr.write(`deploy-watch: ${msg.PUSH_INTERRUPTED}\n`);
      return INTERRUPTED_EXIT;
    }
  }
  try {
    return await pushInTurn(pre.target, conflicts, git, topLevel, deps, random, turn);
  } finally {
    await turn?.release();
    await team?.close();
    await createGit(topLevel, deps.env).run(['maintenance', 'run', '--auto', '--quiet'], { allowFailure: true });
  }
}

/** The environment with maintenance.auto=false added through GIT_CONFIG_COUNT (git 2.31+), keeping any given there. */
export function withoutAutoMaintenance(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const n = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  return {
    ...env,
    GIT_CONFIG_COUNT: String(n + 1),
    [`GIT_CONFIG_KEY_${n}`]: 'maintenance.auto',
    [`GIT_CONFIG_VALUE_${n}`]: 'false',
  };
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

async function pushInTurn(
  target: PushTarget,
  conflicts: Config['conflicts'],
  git: Git,
  topLevel: string,
  deps: Deps,
  random: () => number,
  turn: Turn | null,
): Promise<number> {
  const report = await pushWithRetry(target, conflicts, {
    git,
    topLevel,
    sleep: deps.sleep,
    random,
    // The remote has it: the next in line can start while this one checks that it landed.
    onAccepted: async () => void (await turn?.release()),
    onRetry: (attempt, reason, ms) => {
      if (!deps.globals.quiet && !deps.globals.json)
        deps.stderr.write(`${msg.pushRetrying(attempt, conflicts.maxAttempts, reason, ms)}\n`);
    },
  });
  const queue = turn && { waitedMs: turn.waitedMs, ahead: turn.aheadAtStart };
  if (deps.globals.json) deps.stdout.write(`${renderJson(target, report, queue)}\n`);
  else renderHuman(target, report, deps);
  return exitCodeOf(report);
}
