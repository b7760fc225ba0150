// The team store: records, log tails, the inboxes and a polling lease per project in PostgreSQL, so that
// every machine of a team shares one poller and its answers. What concerns this machine's own processes
// (its watcher's claim and registration, the start marker, hand-over turns) stays in the state folder.
// The database unreachable never blocks a caller: it works on an offline folder with one warning, and the
// first call that reaches the database again uploads what was recorded there.
// One job a module: records.ts (records and logs), lease.ts (the polling lease), inboxes.ts (follow and stop
// requests), offline.ts (the offline folder and its upload), teamDatabase.ts (the pool and orOffline).
import { FileStatusStore } from '../files/fileStatusStore.js';
import type { Cause } from '../files/lastWords.js';
import { everyRead } from '../history.js';
import type { LeaseHolder, PollerInfo, PollingLease } from '../lease.js';
import type { StatusRecord } from '../statusRecord.js';
import {
  type CleanupResult,
  type FollowRequest,
  LeaseLostError,
  type ReadResult,
  type RecordFeed,
  type StatusStore,
  type WatcherClaim,
  type WatcherInfo,
} from '../statusStore.js';
import * as inboxes from './inboxes.js';
import { HeldEpoch, offlineLease, readPoller, takeLease, teamLease } from './lease.js';
import { OfflineFolder } from './offline.js';
import { openRecordFeed, POLLED_FEED } from './recordFeed.js';
import * as records from './records.js';
import { type ProjectTables, TeamDatabase, type TeamSettings } from './teamDatabase.js';

export type { TeamSettings } from './teamDatabase.js';

export interface PgStatusStoreOptions {
  /** This machine's state folder: its watcher's claim, and the offline folder. */
  stateDir: string;
  /** Read once, on the first call (the config is loaded then, not when the store is made). */
  settings(): Promise<TeamSettings>;
  /** This machine's name and who pushes from it, on the commits it hands over. */
  host: string;
  pushedBy: string;
  /** Told once per process when the database cannot be reached. */
  warn(message: string): void;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  /** How long to work offline before trying the database again. */
  retryOfflineMs?: number;
}

export class PgStatusStore implements StatusStore {
  /** This machine's processes: the watcher's claim, the start marker, hand-over turns. */
  readonly local: FileStatusStore;
  /** Where calls go while the database cannot be reached; uploaded when it can again. */
  readonly offline: FileStatusStore;
  readonly shared = true;
  private readonly offlineFolder: OfflineFolder;
  private readonly database: TeamDatabase;
  /** The epoch of the lease this process holds: its record writes are fenced by it. */
  private readonly held = new HeldEpoch();

  constructor(private readonly opts: PgStatusStoreOptions) {
    this.local = new FileStatusStore(opts.stateDir, opts.clock);
    this.offlineFolder = new OfflineFolder(opts.stateDir, opts.clock);
    this.offline = this.offlineFolder.files;
    this.database = new TeamDatabase({ ...opts, now: () => opts.clock?.now() ?? Date.now() }, this.offlineFolder);
  }

  get location(): string {
    const seen = this.database.settingsSeen;
    return seen ? `PostgreSQL schema ${seen.schema}, project ${seen.project}` : 'PostgreSQL (DEPLOY_WATCH_STORE_URL)';
  }

  logLocation(sha: string): string {
    return `deploy-watch logs ${sha.slice(0, 12)} (team store)`;
  }

  // --- records and logs (records.ts) ----------------------------------------------------------------------

  read(sha: string): Promise<ReadResult> {
    return this.orOffline(
      (tables) => records.readRecord(tables, sha),
      () => this.offline.read(sha),
    );
  }

  write(record: StatusRecord): Promise<void> {
    const epoch = this.held.value;
    this.offlineFolder.remember(record);
    return this.orOffline(
      async (tables) => {
        const written = await records.writeRecord(tables, record, epoch);
        if (!written && epoch !== null) throw new LeaseLostError(epoch);
      },
      () => this.offline.write(record),
    );
  }

  listShas(): Promise<string[]> {
    return this.orOffline(records.listShas, () => this.offline.listShas());
  }

  recent(limit: number): Promise<Array<{ sha: string; read: ReadResult }>> {
    return this.orOffline(
      (tables) => records.recentRecords(tables, limit),
      () => everyRead(this.offline),
    );
  }

  inProgress(): Promise<StatusRecord[]> {
    return this.orOffline(records.inProgressRecords, () => this.offline.inProgress());
  }

  writeLog(sha: string, text: string): Promise<void> {
    return this.orOffline(
      (tables) => records.writeLog(tables, sha, text),
      () => this.offline.writeLog(sha, text),
    );
  }

  tailLog(sha: string, count: number): Promise<string[] | null> {
    return this.orOffline(
      (tables) => records.tailLog(tables, sha, count),
      () => this.offline.tailLog(sha, count),
    );
  }

  removeOlderThan(maxAgeMs: number, nowMs: number, dryRun: boolean): Promise<CleanupResult> {
    return this.orOffline(
      (tables) => records.removeOlderThan(tables, maxAgeMs, nowMs, dryRun),
      () => this.offline.removeOlderThan(maxAgeMs, nowMs, dryRun),
    );
  }

  /** Woken by the records trigger's NOTIFY when the connection delivers it; offline, polled. */
  async recordFeed(sha: string): Promise<RecordFeed> {
    const reachable = await this.orOffline(
      async () => true,
      async () => false,
    ).catch(() => false);
    const settings = this.database.settingsSeen;
    if (!reachable || !settings) return POLLED_FEED;
    return openRecordFeed({
      url: settings.listenUrl || settings.url,
      channel: `${settings.schema}_records`,
      payload: `${settings.project} ${sha}`,
      name: `deploy-watch wait ${sha.slice(0, 12)}`,
      notify: (channel, payload) =>
        this.orOffline(
          async ({ db }) => void (await db.query('select pg_notify($1, $2)', [channel, payload])),
          async () => undefined,
        ),
    });
  }

  // --- the poller's lease (lease.ts) ----------------------------------------------------------------------

  poller(): Promise<PollerInfo | null> {
    return this.orOffline(
      readPoller,
      // Offline, this machine's watcher polls for what it recorded here.
      async () => {
        const watcher = await this.local.watcher();
        return watcher && { ...watcher, host: this.opts.host };
      },
    );
  }

  acquirePolling(holder: LeaseHolder, leaseMs: number): Promise<PollingLease | null> {
    return this.orOffline<PollingLease | null>(
      async (tables) => {
        const epoch = await takeLease(tables, holder, leaseMs);
        return epoch === null ? null : teamLease(this.database, this.held, epoch, leaseMs);
      },
      // Offline: this machine polls for itself until the database is back; then the lease goes to a holder.
      async () => offlineLease(this.database, this.held),
    );
  }

  // --- inboxes (inboxes.ts) ---------------------------------------------------------------------------------

  requestFollow(request: FollowRequest): Promise<void> {
    const signed = this.signed(request);
    return this.orOffline(
      (tables) => inboxes.requestFollow(tables, signed),
      () => this.offline.requestFollow(signed),
    );
  }

  /** This machine's name and pusher on a request that names none (an explicit null, from `serve`, stays). */
  private signed(request: FollowRequest): FollowRequest {
    return {
      ...request,
      host: request.host === undefined ? this.opts.host : request.host,
      pushedBy: request.pushedBy === undefined ? this.opts.pushedBy : request.pushedBy,
    };
  }

  followRequests(): Promise<FollowRequest[]> {
    return this.orOffline(inboxes.followRequests, () => this.offline.followRequests());
  }

  isFollowRequested(sha: string): Promise<boolean> {
    return this.orOffline(
      (tables) => inboxes.isFollowRequested(tables, sha),
      () => this.offline.isFollowRequested(sha),
    );
  }

  dropFollowRequest(sha: string): Promise<void> {
    return this.orOffline(
      (tables) => inboxes.dropFollowRequest(tables, sha),
      () => this.offline.dropFollowRequest(sha),
    );
  }

  requestStop(sha: string, reason: string): Promise<void> {
    return this.orOffline(
      (tables) => inboxes.requestStop(tables, sha, reason),
      () => this.offline.requestStop(sha, reason),
    );
  }

  stopRequests(): Promise<Array<{ sha: string; reason: string }>> {
    return this.orOffline(inboxes.stopRequests, () => this.offline.stopRequests());
  }

  dropStopRequest(sha: string): Promise<void> {
    return this.orOffline(
      (tables) => inboxes.dropStopRequest(tables, sha),
      () => this.offline.dropStopRequest(sha),
    );
  }

  // --- this machine's processes (state folder) -------------------------------------------------------------

  watcher(): Promise<WatcherInfo | null> {
    return this.local.watcher();
  }

  claimWatcher(pid: number, startedAt: string, onLost: () => void): Promise<WatcherClaim | null> {
    return this.local.claimWatcher(pid, startedAt, onLost);
  }

  beginWatcherStart(): Promise<boolean> {
    return this.local.beginWatcherStart();
  }

  explainSignal(pid: number, reason: string): void {
    this.local.explainSignal(pid, reason);
  }

  lastWords(pid: number): Cause | null {
    return this.local.lastWords(pid);
  }

  handOverTurn(sha: string, waitMs: number): Promise<{ release(): Promise<void> } | null> {
    return this.local.handOverTurn(sha, waitMs);
  }

  removeStale(nowMs: number): Promise<string[]> {
    return this.local.removeStale(nowMs);
  }

  // --- the database and the offline folder (teamDatabase.ts, offline.ts) -----------------------------------

  uploadPending(): boolean {
    return this.offlineFolder.uploadDue;
  }

  /** True while calls are answered from this machine's offline folder (the database could not be reached). */
  unreachable(): boolean {
    return this.database.unreachable();
  }

  /** Closes the pool (the watcher and `serve` call it on the way out). */
  close(): Promise<void> {
    return this.database.close();
  }

  private orOffline<T>(online: (tables: ProjectTables) => Promise<T>, offline: () => Promise<T>): Promise<T> {
    return this.database.orOffline(online, offline);
  }
}
