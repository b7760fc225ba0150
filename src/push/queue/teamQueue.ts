// The team's push queue: machines take turns through a ticket table in the team store, behind each
// machine's own queue (one pusher per machine waits here). Every statement stands alone (autocommit),
// so it works through PgBouncer in transaction mode. A waiter heartbeats its ticket; a ticket whose
// heartbeat stopped for `staleMs` (its machine died, SIGKILL, network cut) or that has held the turn
// longer than `turnTimeoutMs` (hung) is removed by the next waiter. The queue is for throughput only:
// git's own fast-forward check keeps two pushers that ever overlap (a lost turn, an unreachable
// database) correct, so a store that cannot be reached lets the push go on with one warning. For the same
// reason a rare overlap is accepted: tickets are numbered at insert, before commit, so a later ticket that
// commits first may see nobody ahead for the moment the earlier one's insert is in flight.
// (Costs a retry at most.)
import type pg from 'pg';
import type { TeamMode } from '../../kernel/config/teamMode.js';
import { machineName } from '../../kernel/machine.js';
import * as msg from '../../kernel/messages.js';
import { realSleep, timerMs } from '../../kernel/clock.js';
import { untilAborted } from '../../kernel/untilAborted.js';
import type { EnterOptions, PushQueue, QueueKey, Turn } from './pushQueue.js';
import { cleanMessage, isUnreachable, secretsOf } from '../../store/postgres/connection.js';
import { migratedPool, quoted } from '../../store/postgres/migrations.js';

export interface TeamQueueOptions {
  url: string;
  schema: string;
  host: string;
  pid?: number;
  now(): number;
  turnTimeoutMs: number;
  /** A ticket not heartbeaten for this long is dead (default 10 s; heartbeats every `pollMs`). */
  staleMs?: number;
  pollMs?: number;
  warn(message: string): void;
}

export const TEAM_STALE_MS = 10_000;

export class TeamPushQueue implements PushQueue {
  private pool: pg.Pool | null = null;

  constructor(private readonly opts: TeamQueueOptions) {}

  async enter(key: QueueKey, { signal, onWait }: EnterOptions = {}): Promise<Turn> {
    const started = this.opts.now();
    let ticket: Ticket;
    try {
      ticket = await this.join(key);
    } catch (error) {
      return this.without(error, started);
    }
    try {
      const ahead = await this.waitForHead(ticket, signal, onWait);
      return ticket.holding(this.opts.now() - started, ahead);
    } catch (error) {
      await ticket.leave();
      if (signal?.aborted) throw signal.reason;
      return this.without(error, started);
    }
  }

  async close(): Promise<void> {
    await this.pool?.end().catch(() => undefined);
    this.pool = null;
  }

  private async db(): Promise<{ pool: pg.Pool; S: string }> {
    this.pool ??= await migratedPool(this.opts.url, this.opts.schema);
    return { pool: this.pool, S: quoted(this.opts.schema) };
  }

  private async join(key: QueueKey): Promise<Ticket> {
    const { pool, S } = await this.db();
    const queue = `${key.url}\n${key.branch}`;
    return new Ticket(pool, S, queue, await insertTicket(pool, S, queue, this.opts), this.opts);
  }

  /** Until no live ticket is ahead; resolves to how many were ahead when it joined. */
  private async waitForHead(ticket: Ticket, signal?: AbortSignal, onWait?: (ahead: number) => void): Promise<number> {
    let first = -1;
    let last = -1;
    for (;;) {
      signal?.throwIfAborted();
      const ahead = await ticket.ahead();
      if (first < 0) first = ahead;
      if (ahead === 0) return first;
      if (ahead !== last) onWait?.(ahead);
      last = ahead;
      await untilAborted(realSleep(this.opts.pollMs ?? 250), signal, undefined);
    }
  }

  /**
   * The database could not be asked, or refused (a grant missing after an upgrade): a turn without the team,
   * with one warning that names why. The queue is for throughput only; git still refuses a non-fast-forward.
   */
  private without(error: unknown, started: number): Turn {
    const detail = cleanMessage(error, secretsOf(this.opts.url));
    this.opts.warn(isUnreachable(error) ? msg.teamQueueOffline(detail) : msg.teamQueueRefused(detail));
    return { waitedMs: this.opts.now() - started, aheadAtStart: 0, release: async () => undefined };
  }
}

/** One machine's ticket: its heartbeat, its place in the line, its turn. */
class Ticket {
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly S: string,
    private readonly queue: string,
    private ticket: string,
    private readonly opts: TeamQueueOptions,
  ) {}

  /**
   * Live tickets ahead of this one, after one round trip that heartbeats it and removes the dead (no heartbeat
   * within `staleMs`) and the hung (holding the turn longer than `turnTimeoutMs`) ahead of it. A ticket that was
   * itself removed as dead (this machine was paused) joins again at the back.
   */
  async ahead(): Promise<number> {
    const stale = (this.opts.staleMs ?? TEAM_STALE_MS) / 1000;
    const hung = this.opts.turnTimeoutMs / 1000;
    const { rows } = await this.pool.query<{ mine: number; ahead: number }>(
      `with beat as (
         update ${this.S}.push_tickets set heartbeat_at = now() where ticket = $2 returning ticket
       ), gone as (
         delete from ${this.S}.push_tickets
          where queue = $1 and ticket < $2
            and (heartbeat_at < now() - make_interval(secs => $3)
                 or turn_at < now() - make_interval(secs => $4))
          returning ticket
       )
       select (select count(*) from beat)::int as mine,
              ((select count(*) from ${this.S}.push_tickets where queue = $1 and ticket < $2)
               - (select count(*) from gone))::int as ahead`,
      [this.queue, this.ticket, stale, hung],
    );
    const { mine, ahead } = rows[0]!;
    if (mine === 0) {
      this.ticket = await insertTicket(this.pool, this.S, this.queue, this.opts);
      return this.ahead();
    }
    return ahead;
  }

  /** Takes the turn: marks it (so a hung holder can be told) and keeps heartbeating until released. */
  async holding(waitedMs: number, aheadAtStart: number): Promise<Turn> {
    await this.pool.query(`update ${this.S}.push_tickets set turn_at = now() where ticket = $1`, [this.ticket]);
    const every = Math.max(250, (this.opts.staleMs ?? TEAM_STALE_MS) / 4);
    this.heartbeat = setInterval(() => {
      this.pool
        .query(`update ${this.S}.push_tickets set heartbeat_at = now() where ticket = $1`, [this.ticket])
        .catch(() => undefined);
    }, timerMs(every));
    this.heartbeat.unref();
    let released = false;
    return {
      waitedMs,
      aheadAtStart,
      release: async () => {
        if (released) return;
        released = true;
        await this.leave();
      },
    };
  }

  async leave(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.pool.query(`delete from ${this.S}.push_tickets where ticket = $1`, [this.ticket]).catch(() => undefined); // a ticket left behind is removed as dead by the next waiter
  }
}

/** A ticket at the back of the line: its number. */
async function insertTicket(
  pool: pg.Pool,
  S: string,
  queue: string,
  opts: Pick<TeamQueueOptions, 'host' | 'pid'>,
): Promise<string> {
  const { rows } = await pool.query<{ ticket: string }>(
    `insert into ${S}.push_tickets (queue, host, pid) values ($1, $2, $3) returning ticket`,
    [queue, opts.host, opts.pid ?? process.pid],
  );
  return rows[0]!.ticket;
}

/** The team's queue for a push, or null outside team mode. */
export function teamPushQueue(
  team: TeamMode | null,
  config: { team: { schema: string }; conflicts: { turnTimeout: number } },
  env: NodeJS.ProcessEnv,
  opts: { now(): number; warn(message: string): void },
): TeamPushQueue | null {
  if (!team) return null;
  return new TeamPushQueue({
    url: team.url,
    schema: config.team.schema,
    host: machineName(env),
    now: opts.now,
    turnTimeoutMs: config.conflicts.turnTimeout * 1000,
    warn: opts.warn,
  });
}
