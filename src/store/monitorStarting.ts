// The second after a push, before any record exists: the hook's post-push watcher is waiting for git to
// exit, or the commit sits in the watcher's inbox while a watcher starts. `check` must not call that
// "no monitor has watched": a monitor is starting, and it says so (exit 2, in progress).
import { readdirSync, readFileSync } from 'node:fs';
import type { StatusStore } from './statusStore.js';

/** A follow request older than this with no live watcher was left behind (its asker gave up after 15 s). */
const FRESH_REQUEST_MS = 30_000;

export interface Starting {
  /** The post-push watcher's PID, or the watcher's when it has the commit in its inbox; null when unknown. */
  pid: number | null;
}

export async function monitorStarting(store: StatusStore, sha: string, now: number): Promise<Starting | null> {
  // The inbox first: a file's existence is cheaper than reading every process's command line.
  if (await store.isFollowRequested(sha)) {
    const poller = await store.poller();
    if (poller?.liveness === 'alive') return { pid: poller.pid };
    const request = (await store.followRequests()).find((r) => r.sha === sha);
    const at = Date.parse(request?.requestedAt ?? '');
    if (Number.isFinite(at) && now - at < FRESH_REQUEST_MS) return { pid: null };
  }
  const hook = postPushWatcherOf(sha);
  return hook === null ? null : { pid: hook };
}

/** The PID of a live `deploy-watch hook watch <sha>` (the pre-push hook's detached watcher); Linux's /proc only. */
function postPushWatcherOf(sha: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null; // no /proc (macOS, BSD): the inbox answers alone
  }
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile, or not ours to read
    }
    const at = argv.indexOf('hook');
    if (at >= 0 && argv[at + 1] === 'watch' && argv[at + 2] === sha) return Number(pid);
  }
  return null;
}
