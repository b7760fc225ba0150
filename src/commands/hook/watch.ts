// `deploy-watch hook watch <sha> …` (hidden): the post-push step, which the pre-push hook starts detached.
// It keeps no state of its own; once the push is accepted it hands the commit to the repository's watcher
// (handOver), so one watcher follows it however many pushes asked.
import type { Deps } from '../../deps.js';
import { isAncestor, remoteBranchSha, trackingSha, trackingUpdates } from '../../git/queries.js';
import * as msg from '../../kernel/messages.js';
import { liveness } from '../../kernel/fs/pidFile.js';
import { awaitPushResult, type PushVerdict, type PostPushEnv, type PostPushRequest } from '../../hooks/postPush.js';
import { startedAtMs } from '../../hooks/processTree.js';
import { clearPushMark, markPushing } from '../../store/files/pushMarks.js';
import { handOver } from '../../watcher/handOver.js';

export async function runPostPush(given: PostPushRequest, timeoutSeconds: number, deps: Deps): Promise<number> {
  // The shell-only hook passes no --since (a `date` would cost the push a process): the push's own start
  // is an as good lower bound for its tracking-ref update, and later than any earlier push's.
  const req = { ...given, since: given.since ?? startedAtMs(given.push?.startTime ?? null) };
  let verdict: PushVerdict;
  let handed: Awaited<ReturnType<typeof handOver>> | null;
  // A hook script written before the marks leaves none: the step marks itself for the rest of the wait.
  markPushing(deps.stateDir(), req.sha, process.pid, true);
  try {
    verdict = await awaitPushResult(req, postPushEnv(deps), timeoutSeconds * 1000);
    // handOver looks at the commit itself, under its turn: followed already, or with an outcome, it starts nothing.
    handed = verdict === 'accepted' ? await handOver(deps, req) : null;
  } finally {
    // Handed over (a record or the watcher's inbox now answers check), rejected, or failed: no longer pushing.
    clearPushMark(deps.stateDir(), req.sha);
  }
  const start = handed?.status === 'following' && !handed.already;
  // Stopped while being handed over (`manage stop`): the log says so and by whom, not "handed to the watcher".
  const stopped = handed?.status === 'answered' && handed.evaluation.unknown === 'stopped' ? handed.evaluation : null;
  await note(deps, req, verdict, start, stopped && msg.stoppedHow(stopped.record?.stoppedBy));
  return 0;
}

export function postPushEnv(deps: Deps): PostPushEnv {
  const git = deps.git();
  return {
    now: deps.now,
    sleep: deps.sleep,
    isRunning: (p) => liveness({ pid: p.pid, startTime: p.startTime, startedAt: '' }) === 'alive',
    trackingSha: (remote, branch) => trackingSha(git, remote, branch),
    trackingUpdates: (remote, branch) => trackingUpdates(git, remote, branch),
    remoteSha: (remoteOrUrl, branch) => remoteBranchSha(git, remoteOrUrl, branch),
    contains: (tip, sha) => isAncestor(git, sha, tip).catch(() => null),
  };
}

/** One line in the tool's log, so `deploy-watch` users can see why no monitor started. Best effort. */
async function note(
  deps: Deps,
  req: PostPushRequest,
  verdict: PushVerdict,
  started: boolean,
  stopped: string | null,
): Promise<void> {
  try {
    const logger = await deps.logger();
    logger.info(
      { sha: req.sha, branch: req.branch, remote: req.remote, verdict, started, ...(stopped ? { stopped } : {}) },
      `post-push step: ${verdict}${started ? ', handed to the watcher' : stopped ? `, ${stopped} while handed over` : ''}`,
    );
  } catch {
    /* no log is no reason to fail */
  }
}
