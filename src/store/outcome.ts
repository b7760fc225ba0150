// What a commit's state means for the person asking: check's exit codes in one function.
import { EXIT } from '../kernel/exitCodes.js';
import type { Cause } from './files/lastWords.js';
import { processState } from '../kernel/fs/pidFile.js';
import { isFinal, type StatusRecord } from './statusRecord.js';
import type { PollerInfo, ReadResult, StatusStore } from './statusStore.js';

export type Outcome = 'success' | 'failed' | 'in_progress' | 'not_found';
/** Why there is no outcome, when there is none. */
export type Unknown =
  | 'no-record'
  | 'stopped'
  | 'start-failed'
  | 'stale'
  | 'corrupt'
  /** The team store cannot be reached and this machine has no answer of its own (no record, or no live follower). */
  | 'store-unreachable'
  /** The watcher that follows the commit is alive but makes no progress (stopped by a signal or a debugger, or hung). */
  | 'frozen';

/** A watcher alive but not polling: why check thinks so. */
export interface Stall {
  pid: number;
  /** Linux: the process is in state T/t (SIGSTOP, SIGTSTP, a debugger). */
  stopped: boolean;
  /** How long past its next poll's time the record is (ms), when the record says when that was. */
  overdueMs: number | null;
}

/** How long a record may be past its next poll before check calls its watcher frozen: a poll's requests (a few
 * DigitalOcean requests of up to 10 s each) and a busy machine. */
export const STALL_SLACK_MS = 60_000;

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
  /** Team store: the store could not be reached, so the answer is this machine's own records (additive). */
  storeUnreachable?: boolean;
  /** Set when unknown is frozen. */
  stall?: Stall | null;
  /** Stale, or frozen past its next poll: why the watcher could not go on recording, when that is known. */
  cause?: Cause | null;
}

const FAILED_STATES = new Set(['failed', 'canceled', 'timeout', 'superseded']);

export async function evaluate(store: StatusStore, sha: string, nowMs = Date.now()): Promise<Evaluation> {
  const read = await store.read(sha);
  const inProgress = read.status === 'ok' && !isFinal(read.record.state);
  const e = evaluateRead(sha, read, inProgress ? await followerOf(store, sha, read.record) : null);
  const unreachable = store.unreachable?.() ?? false;
  // A team poller's lease tells its liveness to every machine; a watcher on this machine's files (or followed
  // offline) is judged here, by its process and its record.
  const local = !store.shared || unreachable;
  if (local) {
    // A live watcher that said it cannot write this commit's record (or a folder that takes no record now)
    // follows it no more: the answer is the cause, not "in progress".
    const blocked = e.outcome === 'in_progress' ? causeFor(store, e.record!, e.monitorPid!) : null;
    if (blocked)
      return withUnreachable({ ...e, ...NOT_FOUND, unknown: 'stale', monitorPid: null, cause: blocked }, unreachable);
    const stall = e.outcome === 'in_progress' ? stalled(e.monitorPid!, e.record!, nowMs) : null;
    if (stall) return withUnreachable(withCause(store, { ...e, ...NOT_FOUND, unknown: 'frozen', stall }), unreachable);
  }
  return withUnreachable(local && e.unknown === 'stale' ? withCause(store, e) : e, unreachable);
}

/** What the watcher said on its way out, else what is wrong with the state folder now: the cause check names. */
function withCause(store: StatusStore, e: Evaluation): Evaluation {
  if (e.stall?.stopped) return e; // a stopped process is the cause
  const pid = e.stall?.pid ?? e.record?.pid ?? null;
  const cause = (pid !== null && e.record ? saidAbout(store, e.record, pid) : null) ?? store.writeProblem?.() ?? null;
  return cause ? { ...e, cause: { ...cause, dir: store.location } } : e;
}

/** The cause a live watcher gave for not recording this commit (or all), or the folder's problem now. */
function causeFor(store: StatusStore, record: StatusRecord, pid: number): Cause | null {
  const cause = saidAbout(store, record, pid) ?? store.writeProblem?.() ?? null;
  return cause ? { ...cause, dir: store.location } : null;
}

/** The watcher's last words when they concern this record: its commit (or all), said after the record's last write. */
function saidAbout(store: StatusStore, record: StatusRecord, pid: number): Cause | null {
  const said = store.lastWords?.(pid);
  if (!said || (said.sha !== null && said.sha !== record.sha)) return null;
  return Date.parse(said.at) >= Date.parse(record.updatedAt) ? said : null; // written since: it records again
}

const NOT_FOUND = { outcome: 'not_found', exitCode: EXIT.notFound } as const;

/** Offline, a commit this machine has no answer for is unknown because of the store, not because a watcher died. */
function withUnreachable(e: Evaluation, unreachable: boolean): Evaluation {
  if (!unreachable) return e;
  const unknown = e.unknown === 'no-record' || e.unknown === 'stale' ? 'store-unreachable' : e.unknown;
  return { ...e, unknown, storeUnreachable: true };
}

/**
 * The live watcher of an in-progress record makes no progress: on Linux its process is stopped (state T), or
 * anywhere its record is more than STALL_SLACK_MS past the time it said it would poll next.
 */
export function stalled(pid: number, record: StatusRecord, nowMs: number): Stall | null {
  const stopped = /^[Tt]/.test(processState(pid) ?? '');
  const due = Date.parse(record.nextPollBy ?? '');
  const overdueMs = Number.isFinite(due) ? Math.max(0, nowMs - due) : null;
  if (stopped || (overdueMs !== null && overdueMs > STALL_SLACK_MS)) return { pid, stopped, overdueMs };
  return null;
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
