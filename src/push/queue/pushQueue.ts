// The push queue's contract: pushers to one remote branch take turns through the fetch → rebase →
// push section. The local implementation (conflicts/queue/localQueue.ts) queues the processes of one machine;
// the team-wide one (team/teamPushQueue.ts, a PostgreSQL ticket table) queues machines behind it.

/** What a queue is keyed by: every pusher to the same URL and branch waits in the same line. */
export interface QueueKey {
  url: string;
  branch: string;
}

export interface EnterOptions {
  /** Aborting gives the ticket back and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told how many pushes are ahead whenever that number changes (never called when there is no wait). */
  onWait?(ahead: number): void;
}

export interface Turn {
  /** How long this pusher waited for its turn (0 when nobody was ahead). */
  readonly waitedMs: number;
  /** Pushes ahead when it joined the queue. */
  readonly aheadAtStart: number;
  /** Ends the turn; the next in line goes on. Safe to call twice. */
  release(): Promise<void>;
}

export interface PushQueue {
  /** Resolves when it is this pusher's turn. */
  enter(key: QueueKey, options?: EnterOptions): Promise<Turn>;
}
