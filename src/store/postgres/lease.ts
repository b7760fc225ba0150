// The team store's polling lease (the contract: ../lease.ts): one row per project in `leases`, timed by the
// database's clock. Taken when free or expired (the epoch goes up by one each time), renewed by its holder,
// released by setting it to expire now. While the database cannot be reached, this machine polls for itself
// under an offline lease, lost as soon as the database answers again and the offline folder is uploaded.
import type { LeaseHolder, PollerInfo, PollingLease } from '../lease.js';
import type { ProjectTables, TeamDatabase } from './teamDatabase.js';

/** The lease's holder as everyone sees it; null when nobody ever held it. */
export async function readPoller({ db, schema, project }: ProjectTables): Promise<PollerInfo | null> {
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
     from ${schema}.leases where project = $1`,
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
}

/** Takes the lease if it is free or expired: its new epoch, or null while another holds it. */
export async function takeLease(
  { db, schema, project }: ProjectTables,
  holder: LeaseHolder,
  leaseMs: number,
): Promise<number | null> {
  const { rows } = await db.query<{ epoch: string }>(
    `insert into ${schema}.leases as l (project, pid, host, started_at, epoch, heartbeat_at, expires_at)
     values ($1, $2, $3, $4, 1, now(), now() + make_interval(secs => $5))
     on conflict (project) do update
       set pid = excluded.pid, host = excluded.host, started_at = excluded.started_at,
           epoch = l.epoch + 1, heartbeat_at = now(), expires_at = excluded.expires_at
       where l.expires_at <= now()
     returning epoch`,
    [project, holder.pid, holder.host, holder.startedAt, leaseMs / 1000],
  );
  return rows[0] ? Number(rows[0].epoch) : null;
}

/** Which epoch this process holds (its record writes carry it), or null when it holds none. */
export class HeldEpoch {
  value: number | null = null;

  /** Forgets `epoch` if it is still the one held (a lease lost or released after a newer one was taken keeps that). */
  drop(epoch: number): void {
    if (this.value === epoch) this.value = null;
  }
}

/** The lease taken with `epoch`, kept and given up through `database`. */
export function teamLease(database: TeamDatabase, held: HeldEpoch, epoch: number, leaseMs: number): PollingLease {
  held.value = epoch;
  return {
    epoch,
    renew: () =>
      database.withTables(async ({ db, schema, project }) => {
        const { rowCount } = await db.query(
          `update ${schema}.leases set heartbeat_at = now(), expires_at = now() + make_interval(secs => $3)
           where project = $1 and epoch = $2`,
          [project, epoch, leaseMs / 1000],
        );
        if (rowCount === 0) held.drop(epoch);
        return rowCount === 1;
      }),
    release: async () => {
      held.drop(epoch);
      await database.withTables(({ db, schema, project }) =>
        db.query(`update ${schema}.leases set expires_at = now() where project = $1 and epoch = $2`, [project, epoch]),
      );
    },
  };
}

/** Held while the database is unreachable; lost as soon as it answers again (then the team's lease rules). */
export function offlineLease(database: TeamDatabase, held: HeldEpoch): PollingLease {
  held.value = null;
  return {
    epoch: 0,
    // Uploaded: the team's lease rules again (this watcher takes it, or follows nothing another holds).
    renew: async () => database.unreachable() || !(await database.backOnline()),
    release: async () => undefined,
  };
}
