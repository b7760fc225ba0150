// Listing and stopping: the watcher and the commits it follows, for `manage` and the library API.
import * as msg from '../core/messages.js';
import { residentBytes, type Liveness } from '../core/pidFile.js';
import { evaluate, writtenBy } from '../core/outcome.js';
import { recordStopped } from '../core/recordStopped.js';
import { isFinal, type StatusRecord } from '../core/statusRecord.js';
import type { PollerInfo, StatusStore, WatcherInfo } from '../core/statusStore.js';

export interface MonitorEntry {
  sha: string;
  /** The watcher that follows (or followed) the commit. */
  pid: number | null;
  /** alive: followed now; dead or reused: its watcher is gone; none: no watcher on record. */
  liveness: Liveness | 'none';
  stale: boolean;
  startedAt: string | null;
  /** null while the watcher has not taken the commit from its inbox yet. */
  record: StatusRecord | null;
}

export interface WatcherStatus {
  /** With its resident memory (Linux): asked here only, not by every `check` that asks who follows a commit. */
  watcher: (WatcherInfo & { rssBytes: number | null }) | null;
  /** Team store only: the lease holder that polls for the whole team (maybe on another machine). */
  poller?: PollerInfo | null;
  commits: MonitorEntry[];
  /** Team store, present (true) when it could not be reached: listed from this machine's own records. */
  storeUnreachable?: true;
}

/** This machine's watcher, the team's poller, and every commit in flight or in the inbox, newest first. */
export async function watcherStatus(store: StatusStore): Promise<WatcherStatus> {
  const watcher = await store.watcher();
  const poller = await store.poller();
  const team = store.shared === true || (poller !== null && poller.host !== null);
  const livePid = poller?.liveness === 'alive' ? poller.pid : null;
  const requests = new Map((await store.followRequests()).map((r) => [r.sha, r]));
  const commits: MonitorEntry[] = [];
  for (const sha of new Set([...(await store.listShas()), ...requests.keys()])) {
    const read = await store.read(sha);
    const record = read.status === 'ok' ? read.record : null;
    const requested = requests.get(sha);
    if (!requested && (!record || isFinal(record.state))) continue;
    const followed = livePid !== null && ((record !== null && writtenBy(record, poller!)) || requested !== undefined);
    const pid = followed ? livePid : (record?.pid ?? null);
    const liveness: MonitorEntry['liveness'] = followed
      ? 'alive'
      : pid === null
        ? 'none'
        : !team && pid === watcher?.pid
          ? watcher.liveness
          : 'dead';
    commits.push({
      sha,
      pid,
      liveness,
      stale: !followed,
      startedAt: record?.startedAt ?? requested?.requestedAt ?? null,
      record,
    });
  }
  commits.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  const live = watcher?.liveness === 'alive' ? watcher.pid : null;
  const local = watcher && { ...watcher, rssBytes: live === null ? null : residentBytes(live) };
  const offline = store.unreachable?.() ? { storeUnreachable: true as const } : {};
  return team ? { watcher: local, poller, commits, ...offline } : { watcher: local, commits };
}

export interface StopDeps {
  store: StatusStore;
  kill(pid: number, signal: NodeJS.Signals): void;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type StopResult =
  | { status: 'not-running'; sha: string }
  | { status: 'stopped'; sha: string; pid: number }
  | { status: 'not-confirmed'; sha: string; pid: number };

/** Stops following one commit (the watcher records `stopped`), or records a stale one `stopped`; the others go on. */
export async function stopFollowing(sha: string, waitMs: number, deps: StopDeps): Promise<StopResult> {
  const before = await evaluate(deps.store, sha);
  const waiting = before.unknown === 'no-record' && (await deps.store.isFollowRequested(sha));
  if (before.outcome !== 'in_progress' && !waiting) {
    await recordStopped(deps.store, sha, msg.STOPPED_BY_USER, deps.now()); // a stale record: nobody will end it otherwise
    return { status: 'not-running', sha };
  }
  // Handed over but not taken yet: the watcher drops it from its inbox instead of following it.
  const pid = before.monitorPid ?? (await deps.store.watcher())?.pid ?? 0;
  await deps.store.requestStop(sha, msg.STOPPED_BY_USER);
  const deadline = deps.now() + waitMs;
  for (;;) {
    // With no watcher to read it, a commit waiting in the inbox is simply taken out of it.
    if ((await deps.store.poller())?.liveness !== 'alive') await deps.store.dropFollowRequest(sha);
    const now = await evaluate(deps.store, sha);
    if (now.outcome !== 'in_progress' && !(await deps.store.isFollowRequested(sha))) {
      await recordStopped(deps.store, sha, msg.STOPPED_BY_USER, deps.now()); // the watcher died meanwhile: say so on the record
      await deps.store.dropFollowRequest(sha);
      return { status: 'stopped', sha, pid };
    }
    if (deps.now() >= deadline) return { status: 'not-confirmed', sha, pid };
    await deps.sleep(50);
  }
}

export type StopAllResult =
  | { status: 'not-running'; stopped: string[] }
  | { status: 'stopped'; pid: number; signal: 'SIGTERM' | 'SIGKILL'; stopped: string[] }
  | { status: 'survived'; pid: number; stopped: string[] };

/** Ends the watcher: SIGTERM (it records every followed commit `stopped`), SIGKILL after `graceMs`. */
export async function stopWatcher(graceMs: number, deps: StopDeps): Promise<StopAllResult> {
  const { watcher, poller, commits } = await watcherStatus(deps.store);
  // A team's commits are not this machine's to end: the next lease holder goes on with them.
  const shas = poller ? [] : commits.map((c) => c.sha);
  let result: StopAllResult = { status: 'not-running', stopped: [] };
  if (watcher?.liveness === 'alive') {
    const signal = await terminate(watcher.pid, graceMs, deps);
    if (!signal) return { status: 'survived', pid: watcher.pid, stopped: [] };
    result = { status: 'stopped', pid: watcher.pid, signal, stopped: [] };
  }
  for (const sha of shas) {
    await deps.store.dropFollowRequest(sha);
    await recordStopped(deps.store, sha, msg.STOPPED_BY_USER, deps.now());
    result.stopped.push(sha);
  }
  await deps.store.removeStale(deps.now());
  return result;
}

async function terminate(pid: number, graceMs: number, deps: StopDeps): Promise<'SIGTERM' | 'SIGKILL' | null> {
  for (const [signal, waitMs] of [
    ['SIGTERM', graceMs],
    ['SIGKILL', 2_000],
  ] as const) {
    try {
      deps.kill(pid, signal);
    } catch {
      /* already gone */
    }
    const deadline = deps.now() + waitMs;
    for (;;) {
      if ((await deps.store.watcher())?.liveness !== 'alive') return signal;
      if (deps.now() >= deadline) break;
      await deps.sleep(50);
    }
  }
  return null;
}
