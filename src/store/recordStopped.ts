import { finalRecord, isFinal, newRecord } from './statusRecord.js';
import type { FollowRequest, StatusStore } from './statusStore.js';

/**
 * Ends a record still in progress as `stopped`, with why. Never overwrites an outcome, nor a record that
 * cannot be read, nor invents one: resolves to whether it wrote. (recordStop with nobody named, no inbox
 * entry, and no stop of its own to recognise on a record already final.)
 */
export async function recordStopped(store: StatusStore, sha: string, reason: string, nowMs: number): Promise<boolean> {
  const stop = { reason, by: null, sinceMs: Number.POSITIVE_INFINITY };
  return (await recordStop(store, sha, stop, nowMs, null)) === 'stopped';
}

/** A person's or agent's stop: why, who (`manage stop --all by alice@laptop`), and since when it runs. */
export interface Stop {
  reason: string;
  by: string | null;
  /** When the stop began: a `stopped` record written since then (the watcher ending on its signal) is this stop's. */
  sinceMs: number;
}

/**
 * Records a stop on a commit, whatever the moment: one in progress ends `stopped`; one handed over that no
 * watcher has taken yet (`handedOver`: its inbox entry) gets a `stopped` record of its own, so its caller and
 * `check` say it was stopped instead of "nobody watched"; one the watcher ended on this stop's signal gets
 * who stopped it. An outcome stands. Resolves to what it did.
 */
export async function recordStop(
  store: StatusStore,
  sha: string,
  stop: Stop,
  nowMs: number,
  handedOver: FollowRequest | null,
): Promise<'stopped' | 'waiting' | null> {
  const read = await store.read(sha);
  const iso = new Date(nowMs).toISOString();
  const by = stop.by === null ? {} : { stoppedBy: stop.by };
  if (read.status === 'missing') {
    if (!handedOver) return null;
    const base = newRecord({ sha, branch: handedOver.branch, remote: handedOver.remote }, iso);
    await store.write({ ...finalRecord(base, 'stopped', stop.reason, iso), ...by });
    return 'waiting';
  }
  if (read.status !== 'ok') return null;
  const record = read.record;
  if (!isFinal(record.state)) {
    await store.write({ ...finalRecord(record, 'stopped', stop.reason, iso), ...by });
    return 'stopped';
  }
  const endedByThisStop =
    record.state === 'stopped' && !record.startFailed && Date.parse(record.finishedAt ?? '') >= stop.sinceMs;
  if (!endedByThisStop) return null;
  if (stop.by !== null && !record.stoppedBy) await store.write({ ...record, ...by });
  return 'stopped';
}
