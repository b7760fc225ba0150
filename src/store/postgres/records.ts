// The team store's records and log tails: one row per (project, commit) in `records`, its provider log in
// `logs`. A poller's writes are fenced by its lease's epoch (see ../lease.ts); nobody's write replaces an
// outcome with a record still in progress.
import { parseRecord, isFinal, type StatusRecord } from '../statusRecord.js';
import type { CleanupResult, ReadResult } from '../statusStore.js';
import type { ProjectTables } from './teamDatabase.js';

const IN_PROGRESS = `('pending', 'building', 'deploying')`;

const RECORD_COLUMNS =
  '(project, sha, state, record, pushed_by, pushed_from, started_at, updated_at, finished_at, epoch)';

export async function readRecord({ db, schema, project }: ProjectTables, sha: string): Promise<ReadResult> {
  const { rows } = await db.query<{ record: unknown }>(
    `select record from ${schema}.records where project = $1 and sha = $2`,
    [project, sha],
  );
  return rows[0] ? readOf(schema, sha, rows[0].record) : { status: 'missing' };
}

export async function listShas({ db, schema, project }: ProjectTables): Promise<string[]> {
  const { rows } = await db.query<{ sha: string }>(`select sha from ${schema}.records where project = $1`, [project]);
  return rows.map((row) => row.sha);
}

export async function recentRecords(
  { db, schema, project }: ProjectTables,
  limit: number,
): Promise<Array<{ sha: string; read: ReadResult }>> {
  const { rows } = await db.query<{ sha: string; record: unknown }>(
    `select sha, record from ${schema}.records where project = $1 order by started_at desc limit $2`,
    [project, limit],
  );
  return rows.map((row) => ({ sha: row.sha, read: readOf(schema, row.sha, row.record) }));
}

export async function inProgressRecords({ db, schema, project }: ProjectTables): Promise<StatusRecord[]> {
  const { rows } = await db.query<{ record: unknown }>(
    `select record from ${schema}.records where project = $1 and state in ${IN_PROGRESS}`,
    [project],
  );
  return rows.flatMap((row) => {
    const parsed = parseRecord(JSON.stringify(row.record));
    return parsed.ok ? [parsed.record] : [];
  });
}

export async function writeLog({ db, schema, project }: ProjectTables, sha: string, text: string): Promise<void> {
  await db.query(
    `insert into ${schema}.logs (project, sha, text) values ($1, $2, $3)
     on conflict (project, sha) do update set text = excluded.text`,
    [project, sha, text],
  );
}

export async function tailLog(
  { db, schema, project }: ProjectTables,
  sha: string,
  count: number,
): Promise<string[] | null> {
  const { rows } = await db.query<{ text: string }>(`select text from ${schema}.logs where project = $1 and sha = $2`, [
    project,
    sha,
  ]);
  if (!rows[0]) return null;
  const lines = rows[0].text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
}

/** Outcomes (never a record in progress) whose last write is older than `maxAgeMs`, and their logs. */
export async function removeOlderThan(
  { db, schema, project }: ProjectTables,
  maxAgeMs: number,
  nowMs: number,
  dryRun: boolean,
): Promise<CleanupResult> {
  const cutoff = new Date(nowMs - maxAgeMs).toISOString();
  const where = `project = $1 and updated_at < $2 and state not in ${IN_PROGRESS}`;
  const { rows } = dryRun
    ? await db.query<{ sha: string }>(`select sha from ${schema}.records where ${where}`, [project, cutoff])
    : await db.query<{ sha: string }>(`delete from ${schema}.records where ${where} returning sha`, [project, cutoff]);
  if (!dryRun && rows.length > 0)
    await db.query(`delete from ${schema}.logs where project = $1 and sha = any($2)`, [
      project,
      rows.map((row) => row.sha),
    ]);
  return { removed: rows.map((row) => `${schema}.records ${row.sha}`), keptLive: [], skipped: [] };
}

/**
 * Writes a record; false when it did not land. A poller's write carries its lease's epoch and lands only
 * while that epoch is the lease's (the lease row is share-locked, so a takeover waits for the write or the
 * write sees the takeover). Anyone else's write (epoch null) never replaces an outcome with a record still
 * in progress.
 */
export async function writeRecord(
  { db, schema, project }: ProjectTables,
  record: StatusRecord,
  epoch: number | null,
): Promise<boolean> {
  const values = recordValues(project, record, epoch);
  const set = `set state = excluded.state, record = excluded.record, updated_at = excluded.updated_at,
    finished_at = excluded.finished_at, epoch = excluded.epoch,
    pushed_by = coalesce(r.pushed_by, excluded.pushed_by), pushed_from = coalesce(r.pushed_from, excluded.pushed_from)`;
  if (epoch !== null) {
    const { rowCount } = await db.query(
      `with holder as (select 1 from ${schema}.leases where project = $1 and epoch = $10 for share)
       insert into ${schema}.records as r ${RECORD_COLUMNS}
       select $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 where exists (select 1 from holder)
       on conflict (project, sha) do update ${set}`,
      values,
    );
    return rowCount === 1;
  }
  const final = isFinal(record.state);
  const { rowCount } = await db.query(
    `insert into ${schema}.records as r ${RECORD_COLUMNS} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (project, sha) do update ${set}
     where ${final ? 'true' : `r.state in ${IN_PROGRESS}`}`,
    values,
  );
  return rowCount === 1;
}

/** An offline record into the store (see OfflineFolder.upload): an outcome where none is; in progress where nothing is. */
export async function uploadRecord({ db, schema, project }: ProjectTables, record: StatusRecord): Promise<void> {
  // An outcome lands where none is; and on the same outcome whose logs were still being fetched when the
  // store went away, so the fetch's end reached offline (fetched or missing) is not lost.
  const where = isFinal(record.state)
    ? `where r.state in ${IN_PROGRESS} or (r.state = excluded.state and r.record->'logs'->>'state' = 'fetching'
         and excluded.record->'logs'->>'state' is distinct from 'fetching')`
    : 'where false';
  await db.query(
    `insert into ${schema}.records as r ${RECORD_COLUMNS} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (project, sha) do update set state = excluded.state, record = excluded.record,
       updated_at = excluded.updated_at, finished_at = excluded.finished_at ${where}`,
    recordValues(project, record, null),
  );
}

/** An offline log into the store: the more complete log wins (one fetched offline after the store had a part of it). */
export async function uploadLog({ db, schema, project }: ProjectTables, sha: string, text: string): Promise<void> {
  await db.query(
    `insert into ${schema}.logs as l (project, sha, text) values ($1, $2, $3)
     on conflict (project, sha) do update set text = excluded.text where length(excluded.text) > length(l.text)`,
    [project, sha, text],
  );
}

/** A row's record as the store's readers take it: a record, or corrupt with why. */
function readOf(schema: string, sha: string, value: unknown): ReadResult {
  const parsed = parseRecord(JSON.stringify(value));
  if (!parsed.ok) return { status: 'corrupt', file: `${schema}.records ${sha}`, reason: parsed.reason };
  return { status: 'ok', record: parsed.record };
}

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
