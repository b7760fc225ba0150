// The second after a push, before any record exists: the hook's post-push step is waiting for git to exit
// (the hook marked the commit: files/pushMarks.ts), or the commit sits in the watcher's inbox while a
// watcher starts. `check` must not call that "no monitor has watched": a monitor is starting, and it says
// so (exit 2, in progress).
import { pushingStep } from './files/pushMarks.js';
import type { StatusStore } from './statusStore.js';

/** A follow request older than this with no live watcher was left behind (its asker gave up after 15 s). */
const FRESH_REQUEST_MS = 30_000;

export interface Starting {
  /** The post-push step's PID, or the watcher's when it has the commit in its inbox; null when unknown. */
  pid: number | null;
}

export async function monitorStarting(
  store: StatusStore,
  stateDir: string,
  sha: string,
  now: number,
): Promise<Starting | null> {
  if (await store.isFollowRequested(sha)) {
    const poller = await store.poller();
    if (poller?.liveness === 'alive') return { pid: poller.pid };
    const request = (await store.followRequests()).find((r) => r.sha === sha);
    const at = Date.parse(request?.requestedAt ?? '');
    if (Number.isFinite(at) && now - at < FRESH_REQUEST_MS) return { pid: null };
  }
  const step = pushingStep(stateDir, sha, now);
  return step === null ? null : { pid: step };
}
