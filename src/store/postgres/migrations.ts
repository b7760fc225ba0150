// The team store's schema, created and migrated by versioned steps. Two machines may migrate at once: the
// steps run in one transaction under a transaction-level advisory lock (released at commit, so it is safe
// through PgBouncer in transaction mode), and a schema already at the latest version costs one query.
import type pg from 'pg';
import { createPool } from './connection.js';

/** Each step runs once, in order; never edit a released one, add the next. `schema` is the schema's quoted name. */
const STEPS: ReadonlyArray<(schema: string) => string> = [
  (schema) => `
    create table ${schema}.records (
      project text not null,
      sha text not null,
      state text not null,
      record jsonb not null,
      pushed_by text,
      pushed_from text,
      started_at timestamptz not null,
      updated_at timestamptz not null,
      finished_at timestamptz,
      epoch bigint,
      primary key (project, sha)
    );
    create index records_in_progress on ${schema}.records (project) where state in ('pending', 'building', 'deploying');
    create index records_by_start on ${schema}.records (project, started_at desc);
    create table ${schema}.logs (
      project text not null,
      sha text not null,
      text text not null,
      primary key (project, sha)
    );
    create table ${schema}.follow_requests (
      project text not null,
      sha text not null,
      request jsonb not null,
      requested_at timestamptz not null default now(),
      primary key (project, sha)
    );
    create table ${schema}.stop_requests (
      project text not null,
      sha text not null,
      reason text not null,
      primary key (project, sha)
    );
    create table ${schema}.leases (
      project text primary key,
      pid integer not null,
      host text not null,
      started_at text not null,
      epoch bigint not null,
      heartbeat_at timestamptz not null,
      expires_at timestamptz not null
    );
    create function ${schema}.notify_record() returns trigger language plpgsql as $$
    begin
      perform pg_notify(tg_table_schema || '_records', new.project || ' ' || new.sha);
      return null;
    end $$;
    create trigger records_notify after insert or update on ${schema}.records
      for each row execute function ${schema}.notify_record();
  `,
  // The team's push queue (teamPushQueue.ts): one ticket per machine waiting or pushing, lowest first.
  (schema) => `
    create table ${schema}.push_tickets (
      ticket bigint generated always as identity primary key,
      queue text not null,
      host text not null,
      pid integer not null,
      joined_at timestamptz not null default now(),
      heartbeat_at timestamptz not null default now(),
      turn_at timestamptz
    );
    create index push_tickets_by_queue on ${schema}.push_tickets (queue, ticket);
  `,
];

export const LATEST_VERSION = STEPS.length;

/** A name as a quoted SQL identifier: the schema (validated by the config) and its NOTIFY channel. */
export function quoted(schema: string): string {
  return `"${schema.replace(/"/g, '""')}"`;
}

/**
 * Brings the schema to the latest version; resolves to the version it found. Two machines creating the schema at
 * once can still collide after the lock: a transaction that waited on an advisory lock may look the schema up in a
 * catalog cache older than the other's commit (advisory locks do not refresh it), so `if not exists` misses and
 * the create fails on the catalog's unique index. A fresh transaction sees it, so that collision is tried again.
 */
export async function migrate(client: pg.PoolClient, schema: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(client, schema);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const collided = code === '23505' || code === '42P06' || code === '42P07' || code === '42710';
      if (!collided || attempt >= 3) throw error;
    }
  }
}

async function migrateOnce(client: pg.PoolClient, schema: string): Promise<number> {
  const quotedSchema = quoted(schema);
  const current = await versionOf(client, quotedSchema);
  if (current !== null && current >= LATEST_VERSION) return current; // a newer version migrated it: fine
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`deploy-watch migrate ${schema}`]);
    // `create schema if not exists` checks CREATE on the database before it looks, so a role that owns a
    // schema made for it (README: team mode) and has no such grant would be refused: look first.
    const exists = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`create schema ${quotedSchema}`);
    await client.query(
      `create table if not exists ${quotedSchema}.schema_migrations (version integer primary key, applied_at timestamptz not null default now())`,
    );
    const found = (await versionOf(client, quotedSchema)) ?? 0;
    for (let version = found + 1; version <= LATEST_VERSION; version++) {
      await client.query(STEPS[version - 1]!(quotedSchema));
      await client.query(`insert into ${quotedSchema}.schema_migrations (version) values ($1)`, [version]);
    }
    await client.query('commit');
    return found;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * A connection pool on the schema at the latest version: what the store and the push queue both open first.
 * A pool whose migration failed is ended, so a caller that tries again later leaves nothing open behind.
 */
export async function migratedPool(url: string, schema: string): Promise<pg.Pool> {
  const pool = await createPool(url);
  try {
    const client = await pool.connect();
    try {
      await migrate(client, schema);
    } finally {
      client.release();
    }
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/** The schema's version, or null when it has none yet (no schema, or no migrations table). */
async function versionOf(client: pg.PoolClient, quotedSchema: string): Promise<number | null> {
  try {
    const result = await client.query<{ v: number | null }>(
      `select max(version) as v from ${quotedSchema}.schema_migrations`,
    );
    return result.rows[0]?.v ?? 0;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return null;
    throw error;
  }
}
