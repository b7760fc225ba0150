// What a commit's state means for the person asking: check's exit codes in one function.
import { EXIT } from './exitCodes.js';
import { isFinal, type StatusRecord } from './statusRecord.js';
import type { PollerInfo, ReadResult, StatusStore } from './statusStore.js';

export type Outcome = 'success' | 'failed' | 'in_progress' | 'not_found';
/** Why there is no outcome, when there is none. */
export type Unknown = 'no-record' | 'stopped' | 'start-failed' | 'stale' | 'corrupt';

export interface Evaluation {
  sha: string;
  outcome: Outcome;
  exitCode: number;
  record: StatusRecord | null;
  /** Set when outcome is not_found. */
  unknown: Unknown | null;
  /** The PID of the live watcher that follows the commit. */
  monitorPid: number | null;
  /** For a corrupt record: the file and why. */
  corrupt: { file: string; reason: string } | null;
}

const FAILED_STATES = new Set(['failed', 'canceled', 'timeout', 'superseded']);

export async function evaluate(store: StatusStore, sha: string): Promise<Evaluation> {
  const read = await store.read(sha);
  const inProgress = read.status === 'ok' && !isFinal(read.record.state);
  return evaluateRead(sha, read, inProgress ? await followerOf(store, sha, read.record) : null);
}

/**
 * The outcome as the record and its follower say. A record still in progress is only in progress while the
 * live watcher follows it (its PID on the record, or the commit in its inbox); otherwise it is stale.
 */
export function evaluateRead(sha: string, read: ReadResult, follower: number | null): Evaluation {
  const base = { sha, record: null, unknown: null, monitorPid: null, corrupt: null };
  if (read.status === 'missing')
    return { ...base, outcome: 'not_found', exitCode: EXIT.notFound, unknown: 'no-record' };
  if (read.status === 'corrupt') {
    return {
      ...base,
      outcome: 'not_found',
      exitCode: EXIT.notFound,
      unknown: 'corrupt',
      corrupt: { file: read.file, reason: read.reason },
    };
  }
  const record = read.record;
  if (record.state === 'success') return { ...base, record, outcome: 'success', exitCode: EXIT.success };
  if (FAILED_STATES.has(record.state)) return { ...base, record, outcome: 'failed', exitCode: EXIT.failed };
  if (isFinal(record.state))
    return {
      ...base,
      record,
      outcome: 'not_found',
      exitCode: EXIT.notFound,
      unknown: record.startFailed ? 'start-failed' : 'stopped',
    };
  if (follower !== null)
    return { ...base, record, outcome: 'in_progress', exitCode: EXIT.inProgress, monitorPid: follower };
  return { ...base, record, outcome: 'not_found', exitCode: EXIT.notFound, unknown: 'stale' };
}

/** The PID of the live poller that follows (or is about to follow) the commit, or null. */
export async function followerOf(store: StatusStore, sha: string, record: StatusRecord | null): Promise<number | null> {
  const poller = await store.poller();
  if (poller?.liveness !== 'alive') return null;
  if ((record && writtenBy(record, poller)) || (await store.isFollowRequested(sha))) return poller.pid;
  return null;
}

/** True when the record was last written by this poller (its PID, and on a team store its host). */
export function writtenBy(record: StatusRecord, poller: Pick<PollerInfo, 'pid' | 'host'>): boolean {
  return record.pid === poller.pid && (poller.host === null || record.host === poller.host);
}
