// The team store: records, log tails, the inboxes and a polling lease per project in PostgreSQL, so that
// every machine of a team shares one poller and its answers. What concerns this machine's own processes
// (its watcher's claim and registration, the start marker, hand-over turns) stays in the state folder.
// The database unreachable never blocks a caller: it works on an offline folder with one warning, and the
// first call that reaches the database again uploads what was recorded there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { FileStatusStore } from '../files/fileStatusStore.js';
import type { Cause } from '../files/lastWords.js';
import { ConfigError, InternalError } from '../../kernel/errors.js';
import { everyRead } from '../history.js';
import * as msg from '../../kernel/messages.js';
import { removeFile } from '../../kernel/fs/pidFile.js';
import { isFinal, parseRecord, type StatusRecord } from '../statusRecord.js';
import {
  type CleanupResult,
  type FollowRequest,
  LeaseLostError,
  type PollerInfo,
  type PollingLease,
  type ReadResult,
  type RecordFeed,
  type StatusStore,
  type WatcherClaim,
  type WatcherInfo,
} from '../statusStore.js';
import { cleanMessage, isUnreachable, secretsOf } from './connection.js';
import { migratedPool, quoted } from './migrations.js';
import { openRecordFeed, POLLED_FEED } from './recordFeed.js';

export interface TeamSettings {
  /** DEPLOY_WATCH_STORE_URL (secret: never printed). */
  url: string;
  /** DEPLOY_WATCH_STORE_LISTEN_URL: a direct connection for LISTEN beside a pooled `url` (secret too). */
  listenUrl?: string | null;
  schema: string;
  project: string;
}

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

/** Errors that a change of setup fixes (grants, password, database name): exit 78 like a bad config. */
const SETUP_ERRORS = new Set(['42501', '28P01', '28000', '3D000', '3F000']);
const IN_PROGRESS = `('pending', 'building', 'deploying')`;
const OFFLINE_DIR = 'offline';

export class PgStatusStore implements StatusStore {
  /** This machine's processes: the watcher's claim, the start marker, hand-over turns. */
  readonly local: FileStatusStore;
  /** Where calls go while the database cannot be reached; uploaded when it can again. */
  readonly offline: FileStatusStore;
  private pool: pg.Pool | null = null;
  private ready: Promise<{ S: string; project: string; secrets: string[] }> | null = null;
  private offlineUntil = 0;
  private warned = false;
  private uploadDue: boolean;
  /** The epoch of the lease this process holds: its record writes are fenced by it. */
  private heldEpoch: number | null = null;
  private settingsSeen: TeamSettings | null = null;
  /** The records this process wrote that are still in progress: copied to the offline folder when it goes offline. */
  private readonly following = new Map<string, StatusRecord>();

  constructor(private readonly opts: PgStatusStoreOptions) {
    this.local = new FileStatusStore(opts.stateDir, opts.clock);
    this.offline = new FileStatusStore(join(opts.stateDir, OFFLINE_DIR), opts.clock);
    this.uploadDue = existsSync(join(opts.stateDir, OFFLINE_DIR));
  }

  get location(): string {
    const s = this.settingsSeen;
    return s ? `PostgreSQL schema ${s.schema}, project ${s.project}` : 'PostgreSQL (DEPLOY_WATCH_STORE_URL)';
  }

  readonly shared = true;

  logLocation(sha: string): string {
    return `deploy-watch logs ${sha.slice(0, 12)} (team store)`;
  }

  // --- records and logs ---------------------------------------------------------------------------------

  read(sha: string): Promise<ReadResult> {
    return this.either(
      async (db, S, project) => {
        const { rows } = await db.query<{ record: unknown }>(
          `select record from ${S}.records where project = $1 and sha = $2`,
          [project, sha],
        );
        return rows[0] ? readOf(S, sha, rows[0].record) : ({ status: 'missing' } as const);
      },
      () => this.offline.read(sha),
    );
  }

  write(record: StatusRecord): Promise<void> {
    const epoch = this.heldEpoch;
    if (isFinal(record.state)) this.following.delete(record.sha);
    else this.following.set(record.sha, record);
    return this.either(
      async (db, S, project) => {
        const written =
          epoch === null ? await upsert(db, S, project, record, null) : await upsert(db, S, project, record, epoch);
        if (!written && epoch !== null) throw new LeaseLostError(epoch);
      },
      () => this.offline.write(record),
    );
  }

  listShas(): Promise<string[]> {
    return this.either(
      async (db, S, project) =>
        (await db.query<{ sha: string }>(`select sha from ${S}.records where project = $1`, [project])).rows.map(
          (r) => r.sha,
        ),
      () => this.offline.listShas(),
    );
  }

  recent(limit: number): Promise<Array<{ sha: string; read: ReadResult }>> {
    return this.either(
      async (db, S, project) => {
        const { rows } = await db.query<{ sha: string; record: unknown }>(
          `select sha, record from ${S}.records where project = $1 order by started_at desc limit $2`,
          [project, limit],
        );
        return rows.map(({ sha, record }) => ({ sha, read: readOf(S, sha, record) }));
      },
      () => everyRead(this.offline),
    );
  }

  inProgress(): Promise<StatusRecord[]> {
    return this.either(
      async (db, S, project) => {
        const { rows } = await db.query<{ record: unknown }>(
          `select record from ${S}.records where project = $1 and state in ${IN_PROGRESS}`,
          [project],
        );
        return rows.flatMap((row) => {
          const parsed = parseRecord(JSON.stringify(row.record));
          return parsed.ok ? [parsed.record] : [];
        });
      },
      () => this.offline.inProgress(),
    );
  }

  writeLog(sha: string, text: string): Promise<void> {
    return this.either(
      async (db, S, project) => {
        await db.query(
          `insert into ${S}.logs (project, sha, text) values ($1, $2, $3)
           on conflict (project, sha) do update set text = excluded.text`,
          [project, sha, text],
        );
      },
      () => this.offline.writeLog(sha, text),
    );
  }

  tailLog(sha: string, count: number): Promise<string[] | null> {
    return this.either(
      async (db, S, project) => {
        const { rows } = await db.query<{ text: string }>(
          `select text from ${S}.logs where project = $1 and sha = $2`,
          [project, sha],
        );
        if (!rows[0]) return null;
        const lines = rows[0].text.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        return lines.slice(-count);
      },
      () => this.offline.tailLog(sha, count),
    );
  }

  /** Woken by the records trigger's NOTIFY when the connection delivers it; offline, polled. */
  async recordFeed(sha: string): Promise<RecordFeed> {
    const reachable = await this.either(
      async () => true,
      async () => false,
    ).catch(() => false);
    const settings = this.settingsSeen;
    if (!reachable || !settings) return POLLED_FEED;
    return openRecordFeed({
      url: settings.listenUrl || settings.url,
      channel: `${settings.schema}_records`,
      payload: `${settings.project} ${sha}`,
      name: `deploy-watch wait ${sha.slice(0, 12)}`,
      notify: (channel, payload) =>
        this.either(
          async (db) => void (await db.query('select pg_notify($1, $2)', [channel, payload])),
          async () => undefined,
        ),
    });
  }

  // --- the poller's lease -------------------------------------------------------------------------------

  poller(): Promise<PollerInfo | null> {
    return this.either(
      async (db, S, project) => {
        const { rows } = await db.query<{
          pid: number;
          host: string;
          started_at: string;
          epoch: string;
          heartbeat_at: Date;
          expires_at: Date;
          age_ms: string;
          alive: boolean;
        }>(
          `select pid, host, started_at, epoch, heartbeat_at, expires_at, expires_at > now() as alive,
             round(extract(epoch from now() - heartbeat_at) * 1000) as age_ms
           from ${S}.leases where project = $1`,
          [project],
        );
        const row = rows[0];
        if (!row) return null;
        return {
          pid: row.pid,
          host: row.host,
          startedAt: row.started_at,
          liveness: row.alive ? 'alive' : 'dead',
          epoch: Number(row.epoch),
          heartbeatAt: row.heartbeat_at.toISOString(),
          heartbeatAgeMs: Math.max(0, Number(row.age_ms)),
          expiresAt: row.expires_at.toISOString(),
        };
      },
      // Offline, this machine's watcher polls for what it recorded here.
      async () => {
        const watcher = await this.local.watcher();
        return watcher && { ...watcher, host: this.opts.host };
      },
    );
  }

  async acquirePolling(
    holder: { pid: number; host: string; startedAt: string },
    leaseMs: number,
  ): Promise<PollingLease | null> {
    const lease = await this.either<PollingLease | null>(
      async (db, S, project) => {
        const { rows } = await db.query<{ epoch: string }>(
          `insert into ${S}.leases as l (project, pid, host, started_at, epoch, heartbeat_at, expires_at)
           values ($1, $2, $3, $4, 1, now(), now() + make_interval(secs => $5))
           on conflict (project) do update
             set pid = excluded.pid, host = excluded.host, started_at = excluded.started_at,
                 epoch = l.epoch + 1, heartbeat_at = now(), expires_at = excluded.expires_at
             where l.expires_at <= now()
           returning epoch`,
          [project, holder.pid, holder.host, holder.startedAt, leaseMs / 1000],
        );
        return rows[0] ? this.teamLease(Number(rows[0].epoch), leaseMs) : null;
      },
      // Offline: this machine polls for itself until the database is back; then the lease goes to a holder.
      async () => this.offlineLease(),
    );
    return lease;
  }

  private teamLease(epoch: number, leaseMs: number): PollingLease {
    this.heldEpoch = epoch;
    const release = () => {
      if (this.heldEpoch === epoch) this.heldEpoch = null;
    };
    return {
      epoch,
      renew: async () => {
        const { db, S, project } = await this.connected();
        try {
          const { rowCount } = await db.query(
            `update ${S}.leases set heartbeat_at = now(), expires_at = now() + make_interval(secs => $3)
             where project = $1 and epoch = $2`,
            [project, epoch, leaseMs / 1000],
          );
          if (rowCount === 0) release();
          return rowCount === 1;
        } finally {
          db.release();
        }
      },
      release: async () => {
        release();
        const { db, S, project } = await this.connected();
        try {
          await db.query(`update ${S}.leases set expires_at = now() where project = $1 and epoch = $2`, [
            project,
            epoch,
          ]);
        } finally {
          db.release();
        }
      },
    };
  }

  /** Held while the database is unreachable; lost as soon as it answers again (then the team's lease rules). */
  private offlineLease(): PollingLease {
    this.heldEpoch = null;
    return {
      epoch: 0,
      renew: async () => {
        if (this.now() < this.offlineUntil) return true;
        try {
          // A query, not only a connection: PgBouncer takes connections while its server is down.
          const { db } = await this.connected();
          try {
            await db.query('select 1');
          } finally {
            db.release();
          }
        } catch (error) {
          if (!isUnreachable(error)) throw error;
          this.goOffline(error);
          return true;
        }
        await this.uploadIfDue();
        // Uploaded: the team's lease rules again (this watcher takes it, or follows nothing another holds).
        return this.uploadDue;
      },
      release: async () => undefined,
    };
  }

  // --- inboxes ------------------------------------------------------------------------------------------

  requestFollow(request: FollowRequest): Promise<void> {
    return this.either(
      async (db, S, project) => {
        await db.query(
          `insert into ${S}.follow_requests (project, sha, request) values ($1, $2, $3)
           on conflict (project, sha) do nothing`,
          [project, request.sha, JSON.stringify(this.signed(request))],
        );
      },
      () => this.offline.requestFollow(this.signed(request)),
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
    return this.either(
      async (db, S, project) => {
        const { rows } = await db.query<{ sha: string; request: Partial<FollowRequest> }>(
          `select sha, request from ${S}.follow_requests where project = $1 order by requested_at`,
          [project],
        );
        return rows.map(({ sha, request }) => ({
          sha,
          branch: typeof request.branch === 'string' ? request.branch : null,
          remote: typeof request.remote === 'string' ? request.remote : null,
          requestedAt: typeof request.requestedAt === 'string' ? request.requestedAt : '',
          pushedBy: typeof request.pushedBy === 'string' ? request.pushedBy : null,
          host: typeof request.host === 'string' ? request.host : null,
        }));
      },
      () => this.offline.followRequests(),
    );
  }

  isFollowRequested(sha: string): Promise<boolean> {
    return this.either(
      async (db, S, project) =>
        (await db.query(`select 1 from ${S}.follow_requests where project = $1 and sha = $2`, [project, sha]))
          .rowCount === 1,
      () => this.offline.isFollowRequested(sha),
    );
  }

  dropFollowRequest(sha: string): Promise<void> {
    return this.either(
      async (db, S, project) => {
        await db.query(`delete from ${S}.follow_requests where project = $1 and sha = $2`, [project, sha]);
      },
      () => this.offline.dropFollowRequest(sha),
    );
  }

  requestStop(sha: string, reason: string): Promise<void> {
    return this.either(
      async (db, S, project) => {
        await db.query(
          `insert into ${S}.stop_requests (project, sha, reason) values ($1, $2, $3)
           on conflict (project, sha) do update set reason = excluded.reason`,
          [project, sha, reason],
        );
      },
      () => this.offline.requestStop(sha, reason),
    );
  }

  stopRequests(): Promise<Array<{ sha: string; reason: string }>> {
    return this.either(
      async (db, S, project) =>
        (
          await db.query<{ sha: string; reason: string }>(
            `select sha, reason from ${S}.stop_requests where project = $1`,
            [project],
          )
        ).rows,
      () => this.offline.stopRequests(),
    );
  }

  dropStopRequest(sha: string): Promise<void> {
    return this.either(
      async (db, S, project) => {
        await db.query(`delete from ${S}.stop_requests where project = $1 and sha = $2`, [project, sha]);
      },
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

  async removeStale(nowMs: number): Promise<string[]> {
    return this.local.removeStale(nowMs);
  }

  removeOlderThan(maxAgeMs: number, nowMs: number, dryRun: boolean): Promise<CleanupResult> {
    return this.either(
      async (db, S, project) => {
        const cutoff = new Date(nowMs - maxAgeMs).toISOString();
        const where = `project = $1 and updated_at < $2 and state not in ${IN_PROGRESS}`;
        const { rows } = dryRun
          ? await db.query<{ sha: string }>(`select sha from ${S}.records where ${where}`, [project, cutoff])
          : await db.query<{ sha: string }>(`delete from ${S}.records where ${where} returning sha`, [project, cutoff]);
        if (!dryRun && rows.length > 0)
          await db.query(`delete from ${S}.logs where project = $1 and sha = any($2)`, [
            project,
            rows.map((r) => r.sha),
          ]);
        return { removed: rows.map((r) => `${S}.records ${r.sha}`), keptLive: [], skipped: [] };
      },
      () => this.offline.removeOlderThan(maxAgeMs, nowMs, dryRun),
    );
  }

  uploadPending(): boolean {
    return this.uploadDue;
  }

  /** True while calls are answered from this machine's offline folder (the database could not be reached). */
  unreachable(): boolean {
    return this.now() < this.offlineUntil;
  }

  /** Closes the pool (the watcher and `serve` call it on the way out). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.ready = null;
    await pool?.end().catch(() => undefined);
  }

  // --- plumbing -------------------------------------------------------------------------------------------

  /** Runs `team` on the database, or `offline` on the offline folder when it cannot be reached. */
  private async either<T>(
    team: (db: pg.PoolClient, S: string, project: string) => Promise<T>,
    offline: () => Promise<T>,
  ): Promise<T> {
    if (this.now() < this.offlineUntil) return offline();
    let conn: Awaited<ReturnType<PgStatusStore['connected']>>;
    try {
      conn = await this.connected();
    } catch (error) {
      if (!isUnreachable(error)) throw await this.explain(error);
      this.goOffline(error);
      return offline();
    }
    try {
      await this.uploadIfDue(); // first, so that this call already sees what was recorded offline
      const result = await team(conn.db, conn.S, conn.project);
      conn.db.release();
      return result;
    } catch (error) {
      conn.db.release(isUnreachable(error) ? (error as Error) : undefined);
      if (!isUnreachable(error)) throw error instanceof LeaseLostError ? error : await this.explain(error);
      this.goOffline(error);
      return offline();
    }
  }

  private async connected(): Promise<{ db: pg.PoolClient; S: string; project: string }> {
    if (!this.ready) {
      this.ready = (async () => {
        const settings = await this.opts.settings();
        this.settingsSeen = settings;
        this.pool = await migratedPool(settings.url, settings.schema);
        return { S: quoted(settings.schema), project: settings.project, secrets: secretsOf(settings.url) };
      })();
      this.ready.catch(() => {
        this.ready = null; // try again on the next call
      });
    }
    const { S, project } = await this.ready;
    return { db: await this.pool!.connect(), S, project };
  }

  private goOffline(error: unknown): void {
    this.offlineUntil = this.now() + (this.opts.retryOfflineMs ?? 5_000);
    this.uploadDue = true;
    // What this process follows is on this machine from now on, not only from its next poll: `check` here
    // answers from the offline folder while the database is down.
    // (A record the offline folder has already is newer: written by the call that found the database gone.)
    for (const record of this.following.values())
      void this.offline
        .read(record.sha)
        .then(async (read) => {
          if (read.status === 'missing') await this.offline.write(record);
        })
        .catch(() => undefined);
    if (this.warned) return;
    this.warned = true;
    this.opts.warn(
      msg.teamStoreOffline(cleanMessage(error, this.settingsSeen ? secretsOf(this.settingsSeen.url) : [])),
    );
  }

  /** A store error that is not "unreachable" (a grant, a password, a bad schema): named, without the password. */
  private async explain(error: unknown): Promise<Error> {
    // The config the store is set up from (team.project, the app ids) is the user's file, not the store:
    // its own error names the file and key.
    if (error instanceof ConfigError) return error;
    const secrets = this.settingsSeen ? secretsOf(this.settingsSeen.url) : [];
    const text = msg.teamStoreFailed(cleanMessage(error, secrets));
    const code = (error as { code?: unknown }).code;
    return SETUP_ERRORS.has(String(code)) ? new ConfigError(text) : new InternalError(text);
  }

  /**
   * Uploads what was recorded offline, whoever holds the lease now: an outcome lands unless the commit has one
   * already (an outcome is a fact about the deployment, not a lease holder's opinion, and is recorded once);
   * a record still in progress lands only for a commit the store has no record of (otherwise the current
   * holder's record stands, and the holder follows the commit on).
   */
  private async uploadIfDue(): Promise<void> {
    if (!this.uploadDue) return;
    this.uploadDue = false;
    const conn = await this.connected();
    try {
      for (const sha of await this.offline.listShas()) {
        const read = await this.offline.read(sha);
        if (read.status === 'ok') await uploadRecord(conn.db, conn.S, conn.project, read.record);
        const log = await this.offline.tailLog(sha, Number.MAX_SAFE_INTEGER);
        if (log)
          await conn.db.query(
            // The more complete log wins: one fetched offline after the store had a part of it replaces that.
            `insert into ${conn.S}.logs as l (project, sha, text) values ($1, $2, $3)
             on conflict (project, sha) do update set text = excluded.text where length(excluded.text) > length(l.text)`,
            [conn.project, sha, `${log.join('\n')}\n`],
          );
        // Uploaded: its files go, unless a watcher still offline wrote a newer record meanwhile (uploaded next time).
        const now = await this.offline.read(sha);
        if (read.status !== 'ok' || (now.status === 'ok' && JSON.stringify(now.record) === JSON.stringify(read.record)))
          for (const file of Object.values(this.offline.paths(sha))) removeFile(file);
        else this.uploadDue = true;
      }
      for (const request of await this.offline.followRequests()) {
        await conn.db.query(
          `insert into ${conn.S}.follow_requests (project, sha, request) values ($1, $2, $3) on conflict (project, sha) do nothing`,
          [conn.project, request.sha, JSON.stringify(request)],
        );
        await this.offline.dropFollowRequest(request.sha);
      }
    } catch (error) {
      this.uploadDue = true; // the next call that reaches the database tries again
      if (!isUnreachable(error)) throw error;
    } finally {
      conn.db.release();
    }
  }

  private now(): number {
    return this.opts.clock?.now() ?? Date.now();
  }
}

/** A row's record as the store's readers take it: a record, or corrupt with why. */
function readOf(S: string, sha: string, value: unknown): ReadResult {
  const parsed = parseRecord(JSON.stringify(value));
  if (!parsed.ok) return { status: 'corrupt', file: `${S}.records ${sha}`, reason: parsed.reason };
  return { status: 'ok', record: parsed.record };
}

/** An offline record into the store (see uploadIfDue): an outcome where none is; in progress where nothing is. */
async function uploadRecord(db: pg.PoolClient, S: string, project: string, record: StatusRecord): Promise<void> {
  // An outcome lands where none is; and on the same outcome whose logs were still being fetched when the
  // store went away, so the fetch's end reached offline (fetched or missing) is not lost.
  const where = isFinal(record.state)
    ? `where r.state in ${IN_PROGRESS} or (r.state = excluded.state and r.record->'logs'->>'state' = 'fetching'
         and excluded.record->'logs'->>'state' is distinct from 'fetching')`
    : 'where false';
  await db.query(
    `insert into ${S}.records as r ${RECORD_COLUMNS} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (project, sha) do update set state = excluded.state, record = excluded.record,
       updated_at = excluded.updated_at, finished_at = excluded.finished_at ${where}`,
    recordValues(project, record, null),
  );
}

const RECORD_COLUMNS =
  '(project, sha, state, record, pushed_by, pushed_from, started_at, updated_at, finished_at, epoch)';

/** A record's row, in RECORD_COLUMNS' order. */
function recordValues(project: string, record: StatusRecord, epoch: number | null): unknown[] {
  return [
    project,
    record.sha,
    record.state,
    JSON.stringify(record),
    record.pushedBy ?? null,
    record.pushedFrom ?? null,
    record.startedAt,
    record.updatedAt,
    record.finishedAt,
    epoch,
  ];
}

/**
 * Writes a record. A poller's write carries its lease's epoch and lands only while that epoch is the
 * lease's (the lease row is share-locked, so a takeover waits for the write or the write sees the
 * takeover). Anyone else's write never replaces an outcome with a record still in progress.
 */
async function upsert(
  db: pg.PoolClient,
  S: string,
  project: string,
  record: StatusRecord,
  epoch: number | null,
): Promise<boolean> {
  const values = recordValues(project, record, epoch);
  const columns = RECORD_COLUMNS;
  const set = `set state = excluded.state, record = excluded.record, updated_at = excluded.updated_at,
    finished_at = excluded.finished_at, epoch = excluded.epoch,
    pushed_by = coalesce(r.pushed_by, excluded.pushed_by), pushed_from = coalesce(r.pushed_from, excluded.pushed_from)`;
  if (epoch !== null) {
    const { rowCount } = await db.query(
      `with holder as (select 1 from ${S}.leases where project = $1 and epoch = $10 for share)
       insert into ${S}.records as r ${columns}
       select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 where exists (select 1 from holder)
       on conflict (project, sha) do update ${set}`,
      values,
    );
    return rowCount === 1;
  }
  const final = isFinal(record.state);
  const { rowCount } = await db.query(
    `insert into ${S}.records as r ${columns} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (project, sha) do update ${set}
     where ${final ? 'true' : `r.state in ${IN_PROGRESS}`}`,
    values,
  );
  return rowCount === 1;
}
