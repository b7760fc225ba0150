// The watcher: one process per state folder that follows every commit in flight. Commits arrive through
// the store's inbox (the hooks, `check --wait`, `monitor`), each runs its own poll loop (follow.ts) on the
// shared sources, a stop request ends one of them, a signal ends them all, and the watcher leaves by itself
// once nothing has been in flight for the linger time.
import * as msg from '../kernel/messages.js';
import { errnoOf } from '../store/files/lastWords.js';
import { mustMakeWay, type SettingsPrint } from '../kernel/config/settingsPrint.js';
import type { StatusRecord } from '../store/statusRecord.js';
import {
  type FollowRequest,
  LeaseLostError,
  type PollingLease,
  type StatusStore,
  type WatcherClaim,
} from '../store/statusStore.js';
import type { Source } from '../sources/source.js';
import { HandOff, isHandedOff, followCommit, stopMessage } from './follow.js';
import { DEFAULT_LEASE_MS, holdLease } from './holdLease.js';
import { readInProgress, recordCrash, requeueHandedOn, resumable, resumableRecords, stopWaiting } from './inFlight.js';
import type { Polling } from './schedule.js';
import { untilAborted } from '../kernel/untilAborted.js';

export interface WatcherRun {
  store: StatusStore;
  claim: WatcherClaim;
  sources: Source[];
  polling: Polling;
  pid: number;
  /** This machine, on every record it writes and in the lease it holds (team store). */
  host?: string;
  /** When this process started (the lease names it). */
  startedAt?: string;
  /** How long a polling lease lasts without renewal (team store; default 30 s); renewed every third of it. */
  leaseMs?: number;
  /**
   * Team store: on a signal, leave the commits in progress for the next poller (another machine takes
   * them on) instead of recording them `stopped`; and take on a dead poller's commits at every renewal.
   */
  team?: boolean;
  /** Branch and remote for a request that names none. */
  defaults: { branch: string; remote: string };
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Aborted on SIGTERM/SIGINT/SIGHUP; its reason (a message) goes on every followed commit's `stopped` record. */
  signal: AbortSignal;
  /** Leave after this long with nothing in flight. */
  lingerMs: number;
  /**
   * The settings this watcher judges commits by. A commit handed over with settings it cannot honour (the
   * config edited since it started, another app id, a token it lacks) makes it leave: it takes no new commit,
   * hands those in flight to the next watcher (their records stay in progress), and the asker starts a fresh
   * one with its own settings, which takes them all. Absent: every commit is taken (`serve`, a team store).
   */
  settings?: SettingsPrint | null;
  logBudgetMs?: number;
  /** How often the inbox is read (default 250 ms): a new commit or a stop waits at most this long. */
  tickMs?: number;
  log?(event: string, fields: Record<string, unknown>): void;
  onFinal?(record: StatusRecord): Promise<void>;
  /** Publishing outcomes (src/publish/): the store a commit's follow writes through, and when its posts are done. */
  publish?(sha: string, store: StatusStore, signal: AbortSignal): { store: StatusStore; settled(): Promise<void> };
  /** After each look at the inbox: whether this process holds the lease and how many commits it follows (serve). */
  onTick?(state: { holdsLease: boolean; following: number }): void;
}

export const TICK_MS = 250;
export { DEFAULT_LEASE_MS, LEASE_RETRY_MS } from './holdLease.js';

export interface WatcherSummary {
  /** Commits followed over the watcher's life. */
  followed: number;
  /** Why it ended: nothing left to follow, a signal, or a commit handed over with other settings. */
  ended: 'idle' | 'signal' | 'settings';
}

export async function runWatcher(run: WatcherRun): Promise<WatcherSummary> {
  const following = new Map<string, AbortController>();
  const loops = new Set<Promise<unknown>>();
  let idleSince = run.now();
  let followed = 0;
  const me = {
    pid: run.pid,
    host: run.host ?? 'localhost',
    startedAt: run.startedAt ?? new Date(run.now()).toISOString(),
  };

  const follow = async (request: FollowRequest, resume: StatusRecord | null) => {
    const controller = new AbortController();
    following.set(request.sha, controller);
    followed += 1;
    run.log?.('follow', { sha: request.sha, resumed: resume !== null, inFlight: following.size });
    const loop = followOne(run, request, resume, controller.signal)
      .catch((error) => {
        if (error instanceof LeaseLostError || isHandedOff(controller.signal)) return; // the new holder writes
        // A record that cannot be written (a full disk, a read-only folder): said where check finds it.
        const code = errnoOf(error);
        if (code) run.claim.say?.({ code, sha: request.sha, holder: null });
        return recordCrash(run, request.sha, (error as Error).message);
      })
      .finally(() => {
        following.delete(request.sha);
        loops.delete(loop);
        for (const source of run.sources) source.forget?.(request.sha);
        idleSince = run.now();
      });
    loops.add(loop);
  };
  /** Every commit's loop ends writing nothing: the lease is gone (or being left), the next holder goes on. */
  const handOffAll = (why: string) => {
    for (const controller of following.values()) controller.abort(new HandOff(why));
  };

  const poller = holdLease({
    store: run.store,
    holder: me,
    leaseMs: run.leaseMs ?? DEFAULT_LEASE_MS,
    now: run.now,
    ...(run.log ? { log: run.log } : {}),
    onTaken: () => adoptOrphans(),
    onRenewed: async () => {
      if (run.team) await adoptOrphans();
    },
    onLost: async (why) => {
      handOffAll(why);
      await Promise.all(loops);
    },
  });
  /** Commits in progress that no live poller writes any more (a poller that died, or handed off). */
  const adoptOrphans = async () => {
    for (const stale of await resumable(run)) if (!following.has(stale.sha)) await follow(stale, stale.record);
  };

  let ended: WatcherSummary['ended'] = 'idle';
  let crashed: string | null = null;
  try {
    for (;;) {
      if (run.signal.aborted) {
        ended = 'signal';
        break;
      }
      await poller.step();
      if (poller.lease) {
        const requests = await run.store.followRequests();
        const other = requests.find((r) => cannotJudge(run, r, me.startedAt));
        if (other) {
          run.log?.('settings changed', { sha: other.sha, inFlight: following.size });
          ended = 'settings';
          break;
        }
        for (const request of requests) {
          if (following.has(request.sha)) await run.store.dropFollowRequest(request.sha);
          else await follow(request, await readInProgress(run.store, request.sha, run));
        }
        for (const stop of await run.store.stopRequests()) {
          const controller = following.get(stop.sha);
          if (controller) controller.abort(stop.reason);
          else await stopWaiting(run, stop.sha, stop.reason);
          await run.store.dropStopRequest(stop.sha);
        }
      }
      run.onTick?.({ holdsLease: poller.lease !== null, following: following.size });
      if (following.size === 0 && run.now() - idleSince >= run.lingerMs && !(await teamBusy(run, poller.lease))) {
        // Off the register first, then a last look: a request sent after this starts a new watcher.
        await run.claim.retire();
        if ((await run.store.followRequests()).length === 0) break;
        await run.claim.reinstate();
        continue;
      }
      await untilAborted(run.sleep(run.tickMs ?? TICK_MS), run.signal, undefined);
    }
  } catch (error) {
    crashed = msg.monitorCrashed((error as Error).message);
    const code = errnoOf(error);
    if (code) run.claim.say?.({ code, sha: null, holder: null });
    throw error;
  } finally {
    // However the loop ended (a signal, idle, or a store error), no commit's loop outlives the watcher. A team
    // poller leaving on a signal hands its commits to the next holder instead of ending them.
    if (run.team && crashed === null && ended === 'signal') handOffAll(msg.pollerLeft(stopMessage(run.signal)));
    else if (crashed === null && ended === 'settings') handOffAll(msg.SETTINGS_CHANGED);
    else {
      const asked = ended === 'signal' ? run.claim.signalReason?.() : null;
      const reason = crashed ?? asked ?? stopMessage(run.signal);
      for (const controller of following.values()) controller.abort(reason);
    }
    await Promise.all(loops);
    if (crashed === null && ended === 'settings') await requeueHandedOn(run);
    await poller.release();
  }
  return { followed, ended };
}

/**
 * A commit handed over, since this watcher started, with settings it cannot honour (see WatcherRun.settings).
 * One handed over before it started is its own to take: whoever started it did so with the settings in force
 * (and two askers with different settings at once cannot chase each other's watchers away).
 */
function cannotJudge(run: WatcherRun, request: FollowRequest, startedAt: string): boolean {
  if (!run.settings || !request.settings || !mustMakeWay(run.settings, request.settings)) return false;
  return Date.parse(request.requestedAt) > Date.parse(startedAt);
}

/**
 * A watcher without the lease stays while the team has commits in flight, so that one of them takes over
 * when the holder goes; a holder, or a store only this machine uses, needs nothing more than its own idleness.
 */
async function teamBusy(run: WatcherRun, lease: PollingLease | null): Promise<boolean> {
  // What was recorded while the team's database was down is not left behind: stay until it is uploaded.
  if (run.store.uploadPending?.()) return true;
  if (lease || !run.team) return false;
  if ((await run.store.followRequests()).length > 0) return true;
  return (await resumableRecords(run)).length > 0;
}

/** One commit's loop on the shared sources; the inbox entry goes once the record names this watcher. */
function followOne(
  run: WatcherRun,
  request: FollowRequest,
  resume: StatusRecord | null,
  signal: AbortSignal,
): Promise<unknown> {
  const published = run.publish?.(request.sha, run.store, signal);
  return followCommit({
    sha: request.sha,
    branch: request.branch ?? resume?.branch ?? run.defaults.branch,
    remote: request.remote ?? resume?.remote ?? run.defaults.remote,
    pid: run.pid,
    ...(run.team
      ? { host: run.host ?? null, pushed: { by: request.pushedBy ?? null, from: request.host ?? null } }
      : {}),
    sources: run.sources,
    store: published?.store ?? run.store,
    polling: run.polling,
    now: run.now,
    sleep: run.sleep,
    signal,
    resume,
    onStarted: () => run.store.dropFollowRequest(request.sha),
    ...(run.log ? { log: run.log } : {}),
    ...(run.logBudgetMs !== undefined ? { logBudgetMs: run.logBudgetMs } : {}),
    ...(run.onFinal ? { onFinal: run.onFinal } : {}),
  }).finally(() => published?.settled());
}
