// The watcher's commits on record outside their own loop: those it can resume (in progress, deadline not
// passed), those it hands back to the inbox when it leaves, and those it ends without following (a stop
// for a commit still waiting, a loop that threw). Every write here is best effort: the store may be failing.
import * as msg from '../kernel/messages.js';
import { recordStop, recordStopped } from '../store/recordStopped.js';
import { isFinal, type StatusRecord } from '../store/statusRecord.js';
import type { FollowRequest, StatusStore } from '../store/statusStore.js';
import type { Polling } from './schedule.js';

/** What these need of the watcher (WatcherRun has it all). */
export interface InFlightRun {
  store: StatusStore;
  pid: number;
  polling: Pick<Polling, 'timeout'>;
  now(): number;
  log?(event: string, fields: Record<string, unknown>): void;
}

/**
 * Back in the inbox, the commits this watcher handed on (their records still in progress, naming it): the
 * next watcher takes them from there at once, and until it does they read as waiting to be taken, not as
 * followed by a watcher that is gone. Best effort: the next watcher also resumes any it finds on record.
 */
export async function requeueHandedOn(run: InFlightRun): Promise<void> {
  try {
    const at = new Date(run.now()).toISOString();
    for (const record of await run.store.inProgress())
      if (record.pid === run.pid)
        await run.store.requestFollow({
          sha: record.sha,
          branch: record.branch,
          remote: record.remote,
          requestedAt: at,
        });
  } catch {
    /* the store failed: the next watcher resumes them from their records */
  }
}

/**
 * Commits in progress on record that this watcher does not follow (a poller that died or left was
 * following them, maybe this very process before it lost its lease), young enough to still reach an
 * outcome. Older ones stay stale for `check` to say so.
 */
export async function resumable(run: InFlightRun): Promise<Array<FollowRequest & { record: StatusRecord }>> {
  return (await resumableRecords(run)).map((record) => ({
    sha: record.sha,
    branch: record.branch,
    remote: record.remote,
    requestedAt: record.updatedAt,
    record,
  }));
}

/** Records in progress whose deadline has not passed. */
export async function resumableRecords(run: InFlightRun): Promise<StatusRecord[]> {
  const now = run.now();
  return (await run.store.inProgress()).filter((record) => {
    const started = Date.parse(record.startedAt);
    return Number.isFinite(started) && now < started + run.polling.timeout * 1000;
  });
}

/** The commit's record when it is still in progress and its deadline has not passed (so it can be resumed). */
export async function readInProgress(
  store: StatusStore,
  sha: string,
  timing?: Pick<InFlightRun, 'now' | 'polling'>,
): Promise<StatusRecord | null> {
  const read = await store.read(sha).catch(() => null);
  if (read?.status !== 'ok' || isFinal(read.record.state)) return null;
  if (!timing) return read.record;
  const started = Date.parse(read.record.startedAt);
  return Number.isFinite(started) && timing.now() < started + timing.polling.timeout * 1000 ? read.record : null;
}

/** A thrown error still ends in a final record, so `check` never sees "in progress" for a commit nobody follows. */
export async function recordCrash(run: InFlightRun, sha: string, detail: string): Promise<void> {
  run.log?.('crash', { sha, err: detail });
  await endUnfollowed(run, sha, msg.monitorCrashed(detail));
}

/** A stop for a commit still in the inbox (not followed yet): it is never taken, and its record says so. */
export async function stopWaiting(run: InFlightRun, sha: string, reason: string): Promise<void> {
  const request = (await run.store.followRequests()).find((r) => r.sha === sha);
  if (!request) return;
  try {
    // Stopped before any record: the record is made `stopped`, so whoever handed it over says so (never "nobody").
    await recordStop(run.store, sha, { reason, by: null, sinceMs: run.now() }, run.now(), request);
  } catch {
    /* the store itself failed: nothing more can be recorded */
  } finally {
    await run.store.dropFollowRequest(sha).catch(() => undefined);
  }
}

/** Out of the inbox (whatever else fails, so it is not taken again and again), and `stopped` if in progress. */
async function endUnfollowed(run: InFlightRun, sha: string, reason: string): Promise<void> {
  try {
    await recordStopped(run.store, sha, reason, run.now());
  } catch {
    /* the store itself failed: nothing more can be recorded */
  } finally {
    await run.store.dropFollowRequest(sha).catch(() => undefined);
  }
}
