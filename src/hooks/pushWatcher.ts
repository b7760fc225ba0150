// The post-push trigger. Git has no post-push hook, so the pre-push hook starts this watcher detached:
// it waits for the `git push` process to end, then asks whether the remote accepted the pushed commit.
// Git moves refs/remotes/<remote>/<branch> ("update by push" in its reflog) only for refs the remote
// accepted, so a rejected, refused or interrupted push leaves it where it was and starts nothing.
import type { ProcessRef } from './processTree.js';

export interface WatchRequest {
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

export interface WatchEnv {
  now(): number;
  sleep(ms: number): Promise<void>;
  isRunning(process: ProcessRef): boolean;
  /** The sha of refs/remotes/<remote>/<branch>, or null when there is no such ref. */
  trackingSha(remote: string, branch: string): Promise<string | null>;
  /** The newest reflog entry of refs/remotes/<remote>/<branch>; null when no reflog is kept. */
  lastTrackingUpdate(remote: string, branch: string): Promise<{ sha: string; subject: string; at: number } | null>;
  /** The sha the remote (a name or URL) has for the branch; null when unknown. Network: only here. */
  remoteSha(remoteOrUrl: string, branch: string): Promise<string | null>;
}

export type PushVerdict = 'accepted' | 'rejected' | 'timeout';

export const PUSH_POLL_MS = 100;
/** Without the push's PID we can only look again now and then, for a short while. */
export const BLIND_POLL_MS = 3_000;
export const BLIND_TIMEOUT_MS = 60_000;

/** Waits (at most `timeoutMs`) for the push to end and says whether the remote took the commit. */
export async function awaitPushResult(req: WatchRequest, env: WatchEnv, timeoutMs: number): Promise<PushVerdict> {
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
    if (await accepted(req, env)) return 'accepted';
    if (env.now() >= deadline) return 'timeout';
    await env.sleep(BLIND_POLL_MS);
  }
}

async function accepted(req: WatchRequest, env: WatchEnv): Promise<boolean> {
  if (req.url) return (await env.remoteSha(req.url, req.branch)) === req.sha;
  const tracking = await env.trackingSha(req.remote, req.branch);
  // No tracking ref at all: the remote has no fetch refspec for it, so ask the remote.
  if (tracking === null) return (await env.remoteSha(req.remote, req.branch)) === req.sha;
  if (tracking !== req.sha) return false;
  const last = await env.lastTrackingUpdate(req.remote, req.branch);
  if (last === null) return true; // no reflog kept (core.logAllRefUpdates=false): the ref is the best sign
  const byThisPush =
    last.sha === req.sha && last.subject === 'update by push' && (req.since === null || last.at >= req.since - 1000);
  // Otherwise a fetch moved it there, or it held the commit already: only the remote can tell.
  return byThisPush || (await env.remoteSha(req.remote, req.branch)) === req.sha;
}

/** The argv of the monitor the watcher starts once the push is accepted. */
export function monitorArgs(req: Pick<WatchRequest, 'sha' | 'branch' | 'remote'>): string[] {
  return ['monitor', req.sha, '--detach', '--branch', req.branch, '--remote', req.remote];
}
