// The post-push step. Git has no post-push hook, so the pre-push hook starts this step detached:
// it waits for the `git push` process to end, then asks whether the remote accepted the pushed commit.
// Git moves refs/remotes/<remote>/<branch> ("update by push" in its reflog) only for refs the remote
// accepted, so a rejected, refused or interrupted push leaves it where it was and starts nothing. The
// verdict rests on facts a later push cannot undo: the reflog keeps this push's entry when the next push
// has already moved the ref past it, and a remote branch that moved on still contains the commit.
import type { ProcessRef } from './processTree.js';

export interface PostPushRequest {
  sha: string;
  branch: string;
  /** The configured remote's name. */
  remote: string;
  /** Set when the push named a URL instead of a remote: no tracking ref moves, so ls-remote decides. */
  url: string | null;
  /** The `git push` process, when the hook found it. */
  push: ProcessRef | null;
  /** When the hook ran (epoch ms): a tracking-ref update older than this is not this push's. */
  since: number | null;
}

export interface PostPushEnv {
  now(): number;
  sleep(ms: number): Promise<void>;
  isRunning(process: ProcessRef): boolean;
  /** The sha of refs/remotes/<remote>/<branch>, or null when there is no such ref. */
  trackingSha(remote: string, branch: string): Promise<string | null>;
  /** The newest reflog entries of refs/remotes/<remote>/<branch>, newest first; empty when no reflog is kept. */
  trackingUpdates(remote: string, branch: string): Promise<{ sha: string; subject: string; at: number }[]>;
  /** The sha the remote (a name or URL) has for the branch; null when unknown. Network: only here. */
  remoteSha(remoteOrUrl: string, branch: string): Promise<string | null>;
  /** Whether `tip` is `sha` or a descendant of it; null when a commit is not known here. */
  contains(tip: string, sha: string): Promise<boolean | null>;
}

export type PushVerdict = 'accepted' | 'rejected' | 'timeout';

export const PUSH_POLL_MS = 100;
/** Without the push's PID we can only look again now and then, for a short while. */
export const BLIND_POLL_MS = 3_000;
export const BLIND_TIMEOUT_MS = 60_000;

/** Waits (at most `timeoutMs`) for the push to end and says whether the remote took the commit. */
export async function awaitPushResult(req: PostPushRequest, env: PostPushEnv, timeoutMs: number): Promise<PushVerdict> {
  if (req.push) {
    const deadline = env.now() + timeoutMs;
    while (env.isRunning(req.push)) {
      if (env.now() >= deadline) return 'timeout';
      await env.sleep(PUSH_POLL_MS);
    }
    return (await accepted(req, env)) ? 'accepted' : 'rejected';
  }
  const deadline = env.now() + Math.min(timeoutMs, BLIND_TIMEOUT_MS);
  for (;;) {
    // While the push may still run, the remote is asked only where there is no local sign to wait for.
    const here = req.url ? null : await pushedFromHere(req, env);
    if (here === true) return 'accepted';
    const last = env.now() >= deadline;
    if ((here === null || last) && (await remoteHas(req, env))) return 'accepted';
    if (last) return 'timeout';
    await env.sleep(BLIND_POLL_MS);
  }
}

async function accepted(req: PostPushRequest, env: PostPushEnv): Promise<boolean> {
  if (!req.url && (await pushedFromHere(req, env))) return true;
  // No sign here (a push to a URL, no tracking ref, no reflog entry for it): the remote's branch decides.
  return remoteHas(req, env);
}

async function remoteHas(req: PostPushRequest, env: PostPushEnv): Promise<boolean> {
  const tip = await env.remoteSha(req.url ?? req.remote, req.branch);
  return tip !== null && (tip === req.sha || (await env.contains(tip, req.sha)) === true);
}

/**
 * This push's own trace in the tracking ref, which the next push moving the ref on does not erase; null
 * when there is no tracking ref to look at (the remote has no fetch refspec for it).
 */
async function pushedFromHere(req: PostPushRequest, env: PostPushEnv): Promise<boolean | null> {
  const updates = await env.trackingUpdates(req.remote, req.branch);
  if (updates.length > 0) {
    return updates.some(
      (u) => u.sha === req.sha && u.subject === 'update by push' && (req.since === null || u.at >= req.since - 1000),
    );
  }
  // No reflog kept (core.logAllRefUpdates=false): a tracking ref that holds the commit is the best sign.
  const tracking = await env.trackingSha(req.remote, req.branch);
  if (tracking === null) return null;
  return tracking === req.sha || (await env.contains(tracking, req.sha)) === true;
}
