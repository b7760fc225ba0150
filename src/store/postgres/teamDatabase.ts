// The team store's way to its database, and around it: `orOffline` runs a call on PostgreSQL, or on this
// machine's offline folder while the database cannot be reached (one warning per process), and uploads what
// was recorded offline before the first call that reaches the database again. Errors that are not "cannot
// reach it" (a grant, a password, a bad schema) are named, without the password, and thrown.
import type pg from 'pg';
import { ConfigError, InternalError } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';
import { LeaseLostError } from '../lease.js';
import { cleanMessage, isUnreachable, secretsOf } from './connection.js';
import { migratedPool, quoted } from './migrations.js';
import type { OfflineFolder } from './offline.js';

export interface TeamSettings {
  /** DEPLOY_WATCH_STORE_URL (secret: never printed). */
  url: string;
  /** DEPLOY_WATCH_STORE_LISTEN_URL: a direct connection for LISTEN beside a pooled `url` (secret too). */
  listenUrl?: string | null;
  schema: string;
  project: string;
}

/** Where a query runs: a pooled connection, the schema as a quoted SQL identifier, the project's key. */
export interface ProjectTables {
  db: pg.PoolClient;
  /** Quoted (`"dw_team"`), ready to put before a table name. */
  schema: string;
  project: string;
}

export interface TeamDatabaseOptions {
  /** Read once, on the first call (the config is loaded then, not when the store is made). */
  settings(): Promise<TeamSettings>;
  /** Told once per process when the database cannot be reached. */
  warn(message: string): void;
  now(): number;
  /** How long to work offline before trying the database again. */
  retryOfflineMs?: number;
}

/** Errors that a change of setup fixes (grants, password, database name): exit 78 like a bad config. */
const SETUP_ERRORS = new Set(['42501', '28P01', '28000', '3D000', '3F000']);

export class TeamDatabase {
  private pool: pg.Pool | null = null;
  private ready: Promise<{ schema: string; project: string }> | null = null;
  private offlineUntil = 0;
  private warned = false;
  /** The settings read by the first call, once it has run (for the store's location and its record feed). */
  settingsSeen: TeamSettings | null = null;

  constructor(
    private readonly opts: TeamDatabaseOptions,
    private readonly offline: OfflineFolder,
  ) {}

  /** Runs `online` on the database, or `offline` on the offline folder when the database cannot be reached. */
  async orOffline<T>(online: (tables: ProjectTables) => Promise<T>, offline: () => Promise<T>): Promise<T> {
    if (this.unreachable()) return offline();
    let tables: ProjectTables;
    try {
      tables = await this.connected();
    } catch (error) {
      if (!isUnreachable(error)) throw this.explain(error);
      this.goOffline(error);
      return offline();
    }
    try {
      await this.uploadIfDue(); // first, so that this call already sees what was recorded offline
      const result = await online(tables);
      tables.db.release();
      return result;
    } catch (error) {
      tables.db.release(isUnreachable(error) ? (error as Error) : undefined);
      if (!isUnreachable(error)) throw error instanceof LeaseLostError ? error : this.explain(error);
      this.goOffline(error);
      return offline();
    }
  }

  /** Runs `query` on a connection of its own, released after; errors as they come (no offline fallback). */
  async withTables<T>(query: (tables: ProjectTables) => Promise<T>): Promise<T> {
    const tables = await this.connected();
    try {
      return await query(tables);
    } finally {
      tables.db.release();
    }
  }

  /**
   * True once the database answers again (a query, not only a connection: PgBouncer takes connections while
   * its server is down) and what was recorded offline is uploaded.
   */
  async backOnline(): Promise<boolean> {
    try {
      await this.withTables(({ db }) => db.query('select 1'));
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.goOffline(error);
      return false;
    }
    await this.uploadIfDue();
    return !this.offline.uploadDue;
  }

  /** True while calls are answered from this machine's offline folder (the database could not be reached). */
  unreachable(): boolean {
    return this.opts.now() < this.offlineUntil;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.ready = null;
    await pool?.end().catch(() => undefined);
  }

  private async connected(): Promise<ProjectTables> {
    if (!this.ready) {
      this.ready = (async () => {
        const settings = await this.opts.settings();
        this.settingsSeen = settings;
        this.pool = await migratedPool(settings.url, settings.schema);
        return { schema: quoted(settings.schema), project: settings.project };
      })();
      this.ready.catch(() => {
        this.ready = null; // try again on the next call
      });
    }
    const { schema, project } = await this.ready;
    return { db: await this.pool!.connect(), schema, project };
  }

  private goOffline(error: unknown): void {
    this.offlineUntil = this.opts.now() + (this.opts.retryOfflineMs ?? 5_000);
    this.offline.takeOver();
    if (this.warned) return;
    this.warned = true;
    this.opts.warn(msg.teamStoreOffline(cleanMessage(error, this.secrets())));
  }

  private async uploadIfDue(): Promise<void> {
    if (!this.offline.uploadDue) return;
    this.offline.uploadDue = false; // taken: a call meanwhile does not upload it twice (a failed upload sets it again)
    await this.withTables((tables) => this.offline.upload(tables));
  }

  /** A store error that is not "unreachable" (a grant, a password, a bad schema): named, without the password. */
  private explain(error: unknown): Error {
    // The config the store is set up from (team.project, the app ids) is the user's file, not the store:
    // its own error names the file and key.
    if (error instanceof ConfigError) return error;
    const text = msg.teamStoreFailed(cleanMessage(error, this.secrets()));
    const code = (error as { code?: unknown }).code;
    return SETUP_ERRORS.has(String(code)) ? new ConfigError(text) : new InternalError(text);
  }

  private secrets(): string[] {
    return this.settingsSeen ? secretsOf(this.settingsSeen.url) : [];
  }
}
