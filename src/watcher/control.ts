// Listing and stopping: the watcher and the commits it follows, for `manage` and the library API.
import * as msg from '../kernel/messages.js';
import { residentBytes, type Liveness } from '../kernel/fs/pidFile.js';
import { evaluate, writtenBy } from '../store/outcome.js';
import { recordStop } from '../store/recordStopped.js';
import { isFinal, type StatusRecord } from '../store/statusRecord.js';
import type { FollowRequest, PollerInfo, StatusStore, WatcherInfo } from '../store/statusStore.js';

export interface FollowedCommit {
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
  commits: FollowedCommit[];
  /** Team store, present (true) when it could not be reached: listed from this machine's own records. */
  storeUnreachable?: true;
}

/**
 * This machine's watcher, the team's poller, and every commit in flight or in the inbox, newest first.
 * `team`: team mode, as Deps decided it (the store is the team's then).
 */
export async function watcherStatus(store: StatusStore, team: boolean): Promise<WatcherStatus> {
  const watcher = await store.watcher();
  const poller = await store.poller();
  const livePid = poller?.liveness === 'alive' ? poller.pid : null;
  const requests = new Map((await store.followRequests()).map((r) => [r.sha, r]));
  const commits: FollowedCommit[] = [];
  for (const sha of new Set([...(await store.listShas()), ...requests.keys()])) {
    const read = await store.read(sha);
    const record = read.status === 'ok' ? read.record : null;
    const requested = requests.get(sha);
    if (!requested && (!record || isFinal(record.state))) continue;
    const followed = livePid !== null && ((record !== null && writtenBy(record, poller!)) || requested !== undefined);
    const pid = followed ? livePid : (record?.pid ?? null);
    const liveness: FollowedCommit['liveness'] = followed
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
  /** Team mode, as Deps decided it. */
  team: boolean;
  kill(pid: number, signal: NodeJS.Signals): void;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Who asks, for the records' `stoppedBy` (`alice@laptop`); null leaves it out. */
  by?: string | null;
}

export type StopResult =
  | { status: 'not-running'; sha: string }
  | { status: 'stopped'; sha: string; pid: number; waiting?: boolean }
  | { status: 'not-confirmed'; sha: string; pid: number };

/**
 * Stops following one commit (the watcher records `stopped`), or records a stale one `stopped`; the others go
 * on. A commit still being handed over (in the inbox, no watcher has taken it) is recorded `stopped` too
 * (`waiting`), so whoever handed it over says it was stopped. `not-confirmed` when the watcher did not answer.
 */
export async function stopFollowing(sha: string, waitMs: number, deps: StopDeps): Promise<StopResult> {
  const stop = stopOf(msg.STOPPED_BY_USER, 'manage stop', deps);
  const before = await evaluate(deps.store, sha);
  const waiting = before.unknown === 'no-record' && (await deps.store.isFollowRequested(sha));
  if (before.outcome !== 'in_progress' && !waiting) {
    // A stale record: nobody will end it otherwise.
    await recordStop(deps.store, sha, { ...stop, sinceMs: Number.POSITIVE_INFINITY }, deps.now(), null);
    return { status: 'not-running', sha };
  }
  // Handed over but not taken yet: the watcher drops it from its inbox instead of following it.
  const pid = before.monitorPid ?? (await deps.store.watcher())?.pid ?? 0;
  const request = await followRequestOf(deps.store, sha);
  await deps.store.requestStop(sha, stop.reason);
  const deadline = deps.now() + waitMs;
  for (;;) {
    // With no watcher to read it, a commit waiting in the inbox is recorded stopped, then taken out of it (in
    // that order: whoever handed it over reads the record once the entry is gone).
    if ((await deps.store.poller())?.liveness !== 'alive' && (await deps.store.isFollowRequested(sha))) {
      await recordStop(deps.store, sha, stop, deps.now(), request);
      await deps.store.dropFollowRequest(sha);
    }
    const now = await evaluate(deps.store, sha);
    if (now.outcome !== 'in_progress' && !(await deps.store.isFollowRequested(sha))) {
      // The watcher ended it (who stopped it goes on its record), or died meanwhile, or never took it.
      await recordStop(deps.store, sha, stop, deps.now(), request);
      await deps.store.dropFollowRequest(sha);
      await deps.store.dropStopRequest(sha);
      // Stopped in the inbox, or taken and stopped before its first poll: no watcher followed it.
      const after = await deps.store.read(sha);
      const untaken = waiting && after.status === 'ok' && after.record.polls === 0;
      return { status: 'stopped', sha, pid, ...(untaken ? { waiting: true } : {}) };
    }
    // A watcher starting this moment drops the stop requests older than itself: ask again.
    if (!(await deps.store.stopRequests()).some((s) => s.sha === sha)) await deps.store.requestStop(sha, stop.reason);
    if (deps.now() >= deadline) return { status: 'not-confirmed', sha, pid };
    await deps.sleep(50);
  }
}

export type StopAllResult =
  | { status: 'not-running'; stopped: string[]; waiting: string[] }
  | { status: 'stopped'; pid: number; signal: 'SIGTERM' | 'SIGKILL'; stopped: string[]; waiting: string[] }
  | { status: 'survived'; pid: number; stopped: string[]; waiting: string[] };

/** How many times `stop --all` looks again for a watcher that registered while it was stopping one. */
const STOP_ROUNDS = 3;

/**
 * Ends the watcher: SIGTERM (it records every followed commit `stopped`), SIGKILL after `graceMs`; then every
 * commit in flight or waiting in its inbox is recorded `stopped`, with who stopped it (`waiting`: those no
 * watcher had taken yet). A watcher that registers meanwhile (one being started for those very commits) may
 * have taken some from the inbox before it was emptied: it is ended too, and its commits recorded the same.
 */
export async function stopWatcher(graceMs: number, deps: StopDeps): Promise<StopAllResult> {
  const stop = stopOf(msg.STOPPED_BY_ALL, 'manage stop --all', deps);
  let result: StopAllResult = { status: 'not-running', stopped: [], waiting: [] };
  const ended = new Set<number>();
  const shas = new Set<string>();
  for (let round = 0; round < STOP_ROUNDS; round++) {
    const { watcher, poller, commits } = await watcherStatus(deps.store, deps.team);
    // A team's commits are not this machine's to end: the next lease holder goes on with them.
    if (!poller) for (const c of commits) shas.add(c.sha);
    if (watcher?.liveness === 'alive' && !ended.has(watcher.pid)) {
      // Its records then say who stopped them from the first write, not "stopped by SIGTERM" until ours lands.
      deps.store.explainSignal?.(watcher.pid, stop.reason);
      const signal = await terminate(watcher.pid, graceMs, deps);
      if (!signal) return { status: 'survived', pid: watcher.pid, stopped: [], waiting: [] };
      ended.add(watcher.pid);
      result = { status: 'stopped', pid: watcher.pid, signal, stopped: [], waiting: [] };
    }
    const requests = new Map((await deps.store.followRequests()).map((r) => [r.sha, r]));
    for (const sha of shas) {
      // Recorded first, then out of the inbox: whoever handed it over reads the record once the entry is gone.
      const done = await recordStop(deps.store, sha, stop, deps.now(), requests.get(sha) ?? null);
      await deps.store.dropFollowRequest(sha);
      if (done === 'waiting' && !result.waiting.includes(sha)) result.waiting.push(sha);
    }
    const now = await deps.store.watcher();
    if (now?.liveness !== 'alive' || ended.has(now.pid)) break;
  }
  for (const sha of shas) {
    const read = await deps.store.read(sha);
    if (read.status === 'ok' && read.record.state === 'stopped') result.stopped.push(sha);
  }
  await deps.store.removeStale(deps.now());
  return result;
}

/**
 * A stop and who asks (`manage stop --all by alice@laptop`). The watcher's own `stopped` record carries the
 * asker in its message too, so a reader that sees that record before `stoppedBy` is added learns who.
 */
function stopOf(reason: string, command: string, deps: StopDeps) {
  const by = deps.by ? `${command} by ${deps.by}` : null;
  return { reason: deps.by ? `${reason} by ${deps.by}` : reason, by, sinceMs: deps.now() };
}

/** The commit's entry in the watcher's inbox, if it is there. */
async function followRequestOf(store: StatusStore, sha: string): Promise<FollowRequest | null> {
  return (await store.followRequests()).find((r) => r.sha === sha) ?? null;
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
