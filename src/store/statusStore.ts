// The status store: the one seam through which records, logs, the watcher's registration, its inboxes and
// housekeeping go. Files (files/fileStatusStore.ts) and a team store (postgres/pgStatusStore.ts) sit behind it;
// both pass one contract suite (test/store/contract.test.ts), so a third store is one class and one line there.
// Nothing hands out paths: callers ask the store, so a store without files fits the same callers.
import type { Cause } from './files/lastWords.js';
import type { Liveness } from '../kernel/fs/pidFile.js';
import type { SettingsPrint } from '../kernel/config/settingsPrint.js';
import type { StatusRecord } from './statusRecord.js';
import type { LeaseHolder, PollerInfo, PollingLease } from './lease.js';

// The lease lives in lease.ts; these names stay importable from here, beside the rest of the contract.
export { type LeaseHolder, LeaseLostError, type PollerInfo, type PollingLease } from './lease.js';

export type ReadResult =
  | { status: 'ok'; record: StatusRecord }
  | { status: 'missing' }
  | { status: 'corrupt'; file: string; reason: string };

/** A commit handed to the watcher: it follows the commit from its next look at its inbox. */
export interface FollowRequest {
  sha: string;
  branch: string | null;
  remote: string | null;
  requestedAt: string;
  /** Who handed it over and from which machine (team mode shows it in `check --all`). */
  pushedBy?: string | null;
  host?: string | null;
  /** The asker's settings (a fingerprint, no secret): a watcher started with other ones makes way for a fresh one. */
  settings?: SettingsPrint | null;
}

/** A stored request as the store's readers take it: what is not of the right type reads as unknown (null). */
export function followRequestOf(sha: string, stored: Partial<FollowRequest>): FollowRequest {
  return {
    sha,
    branch: typeof stored.branch === 'string' ? stored.branch : null,
    remote: typeof stored.remote === 'string' ? stored.remote : null,
    requestedAt: typeof stored.requestedAt === 'string' ? stored.requestedAt : '',
    pushedBy: typeof stored.pushedBy === 'string' ? stored.pushedBy : null,
    host: typeof stored.host === 'string' ? stored.host : null,
  };
}

/** The watcher registered for the store, as last seen. */
export interface WatcherInfo {
  pid: number;
  startedAt: string;
  liveness: Liveness;
}

/** Held by the one watcher of a store. */
export interface WatcherClaim {
  /** Off the register before a last look at the inbox, so a request sent from now on starts a new watcher. */
  retire(): Promise<void>;
  /** Back on the register: a request came in while retiring. */
  reinstate(): Promise<void>;
  /** Off the register and the lock released. */
  release(): Promise<void>;
  /** Leaves why this watcher cannot go on recording where `check` finds it after the watcher is gone. */
  say?(cause: Omit<Cause, 'at'>): void;
  /** Why whoever signalled this watcher did so (`manage stop --all by alice@laptop`), read once; null if unsaid. */
  signalReason?(): string | null;
}

/** How a waiter learns that a commit's record was written (see waitForOutcome). */
export interface RecordFeed {
  /** True once the database is known to wake the waiter on every write (LISTEN/NOTIFY); until then it polls. */
  readonly notified: boolean;
  /** How often to read the record now: a safety net when notified, the only way when not. */
  readonly pollMs: number;
  /** Settles once the feed knows whether notifications arrive (true: they do). */
  readonly probed: Promise<boolean>;
  /** Resolves at the record's next write, or after `ms`; null when the feed does not notify (sleep instead). */
  readonly next: ((ms: number) => Promise<void>) | null;
  close(): Promise<void>;
}

export interface CleanupResult {
  removed: string[];
  /** Entries kept because the watcher still follows their commit. */
  keptLive: string[];
  /** Entries left alone because they are not ours (symlinks, unknown names). */
  skipped: string[];
}

export interface StatusStore {
  /** Human-readable place, for messages. */
  readonly location: string;
  /** True for a store the whole team shares (PostgreSQL): answers say who pushed each commit, from where. */
  readonly shared?: boolean;
  read(sha: string): Promise<ReadResult>;
  write(record: StatusRecord): Promise<void>;
  /** Every commit with a record or a log here, full shas, unsorted. */
  listShas(): Promise<string[]>;
  /** Replaces the commit's provider log (private to the user: it may hold build output). */
  writeLog(sha: string, text: string): Promise<void>;
  /** The last `count` lines of the commit's provider log, or null when there is none. */
  tailLog(sha: string, count: number): Promise<string[] | null>;
  /** Where the commit's log is, for people and the record's logFile. */
  logLocation(sha: string): string;

  /** The newest `limit` records by start, newest first (a team store answers in one query; files: listShas + read). */
  recent?(limit: number): Promise<Array<{ sha: string; read: ReadResult }>>;
  /** Commits whose record is still in progress (pending, building, deploying). */
  inProgress(): Promise<StatusRecord[]>;

  /** This machine's registered watcher, or null when none is registered. */
  watcher(): Promise<WatcherInfo | null>;
  /** Who polls for this store's commits (see PollerInfo); null when nobody does. */
  poller(): Promise<PollerInfo | null>;
  /**
   * Takes the right to poll: at once for files (the watcher's claim already makes it one); for a team store
   * the project's lease when it is free or expired, else null (try again later). See lease.ts.
   */
  acquirePolling(holder: LeaseHolder, leaseMs: number): Promise<PollingLease | null>;
  /**
   * Becomes the one watcher; null when a live one holds the claim (or it cannot be had within a few seconds).
   * `onLost` is called if another process takes the claim away (two took over a dead watcher's at once):
   * the loser must leave at once, writing nothing.
   */
  claimWatcher(pid: number, startedAt: string, onLost: () => void): Promise<WatcherClaim | null>;
  /**
   * True for the one asker that should start a watcher now; false while another start is under way (for a
   * few seconds), so that twenty askers at once start one process, not twenty that all but one give up.
   */
  beginWatcherStart(): Promise<boolean>;
  /** One asker at a time hands a commit over (so twenty askers hand it over once); null when the turn did not come within `waitMs`. */
  handOverTurn(sha: string, waitMs: number): Promise<{ release(): Promise<void> } | null>;

  /**
   * The key that hashes secrets in a settings fingerprint, the same for every process of this state folder and
   * never written beside the hashes' readers' reach (files: `watcher/settings.key`, 0600). A team store has
   * none: its poller serves the whole team, whatever each machine's settings.
   */
  settingsKey?(): Buffer;
  requestFollow(request: FollowRequest): Promise<void>;
  followRequests(): Promise<FollowRequest[]>;
  isFollowRequested(sha: string): Promise<boolean>;
  dropFollowRequest(sha: string): Promise<void>;
  /** Asks the watcher to stop following a commit; `reason` goes on its record. */
  requestStop(sha: string, reason: string): Promise<void>;
  stopRequests(): Promise<Array<{ sha: string; reason: string }>>;
  dropStopRequest(sha: string): Promise<void>;

  /** A team store: what tells a waiter that the commit's record changed (files: none, the caller polls). */
  recordFeed?(sha: string): Promise<RecordFeed>;
  /** A team store answering from this machine's offline folder because its database cannot be reached now. */
  unreachable?(): boolean;
  /** A team store that recorded while its database was unreachable and has not uploaded it yet. */
  uploadPending?(): boolean;
  /** Lets go of connections (a team store's pool); the store is not used after. */
  close?(): Promise<void>;
  /**
   * Before signalling the watcher with this PID: why, so that the records it ends say who stopped them (a
   * signal carries no words). Read once by that watcher's claim (signalReason).
   */
  explainSignal?(pid: number, reason: string): void;
  /** What the watcher with this PID said on its way out (why it could not go on recording), if anything. */
  lastWords?(pid: number): Cause | null;
  /** Why the state folder cannot take a record now (read-only, full), found without the watcher; null if none. */
  writeProblem?(): Cause | null;
  /**
   * Removes what a dead watcher left (its registration and lock, files of older versions) and the push marks
   * of post-push steps that are gone; returns what went.
   */
  removeStale(nowMs: number): Promise<string[]>;
  /** Removes commits whose newest entry is older than `maxAgeMs`, never one the live watcher follows. */
  removeOlderThan(maxAgeMs: number, nowMs: number, dryRun: boolean): Promise<CleanupResult>;
}
