// The team store's inboxes: commits handed to the poller (`follow_requests`) and commits it is asked to stop
// following (`stop_requests`), one row per (project, commit).
import { type FollowRequest, followRequestOf } from '../statusStore.js';
import type { ProjectTables } from './teamDatabase.js';

/** A request already there stays (the first asker's names and time). */
export async function requestFollow({ db, schema, project }: ProjectTables, request: FollowRequest): Promise<void> {
  await db.query(
    `insert into ${schema}.follow_requests (project, sha, request) values ($1, $2, $3)
     on conflict (project, sha) do nothing`,
    [project, request.sha, JSON.stringify(request)],
  );
}

/** The same insert: an offline request lands unless the team's inbox has the commit already. */
export const uploadFollowRequest = requestFollow;

export async function followRequests({ db, schema, project }: ProjectTables): Promise<FollowRequest[]> {
  const { rows } = await db.query<{ sha: string; request: Partial<FollowRequest> }>(
    `select sha, request from ${schema}.follow_requests where project = $1 order by requested_at`,
    [project],
  );
  return rows.map(({ sha, request }) => followRequestOf(sha, request));
}

export async function isFollowRequested({ db, schema, project }: ProjectTables, sha: string): Promise<boolean> {
  const { rowCount } = await db.query(`select 1 from ${schema}.follow_requests where project = $1 and sha = $2`, [
    project,
    sha,
  ]);
  return rowCount === 1;
}

export async function dropFollowRequest({ db, schema, project }: ProjectTables, sha: string): Promise<void> {
  await db.query(`delete from ${schema}.follow_requests where project = $1 and sha = $2`, [project, sha]);
}

/** A second request for the same commit replaces the reason. */
export async function requestStop({ db, schema, project }: ProjectTables, sha: string, reason: string): Promise<void> {
  await db.query(
    `insert into ${schema}.stop_requests (project, sha, reason) values ($1, $2, $3)
     on conflict (project, sha) do update set reason = excluded.reason`,
    [project, sha, reason],
  );
}

export async function stopRequests({
  db,
  schema,
  project,
}: ProjectTables): Promise<Array<{ sha: string; reason: string }>> {
  const { rows } = await db.query<{ sha: string; reason: string }>(
    `select sha, reason from ${schema}.stop_requests where project = $1`,
    [project],
  );
  return rows;
}

export async function dropStopRequest({ db, schema, project }: ProjectTables, sha: string): Promise<void> {
  await db.query(`delete from ${schema}.stop_requests where project = $1 and sha = $2`, [project, sha]);
}
