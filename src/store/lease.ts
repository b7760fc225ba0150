// The polling lease: the right to poll DigitalOcean (and write outcomes) for a store's commits. One holder
// at a time per store, so a team's machines share one poller and every answer comes from it.
//   - Taken by `StatusStore.acquirePolling`: at once when free or expired, else refused (null: try later).
//   - Kept by `renew()` before it expires; `renew()` answering false means it was lost: stop polling.
//   - Given up by `release()` (the next asker takes it at once, without waiting for it to expire).
//   - Fencing: each taking bumps the lease's epoch, and every record write of a holder carries its epoch; a
//     write under an older epoch is refused with LeaseLostError, so a holder that was paused past its lease
//     (a frozen VM, a cut network) cannot overwrite what the new holder wrote.
// The file store's lease is trivial (soleLease: the watcher's claim already makes its holder the only one);
// the team store's is a row per project in PostgreSQL (postgres/lease.ts), timed by the database's clock.
import type { Liveness } from '../kernel/fs/pidFile.js';

/** The right to poll (and write outcomes) for the store's commits, until lost. */
export interface PollingLease {
  /** Every write of the holder carries it; a write under an older epoch is refused (fencing). */
  readonly epoch: number;
  /** Extends the lease; false when it was lost (another holder took it, or it expired and was taken). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Who wants the lease: shown to everyone as the poller while held. */
export interface LeaseHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * The process that polls for the store's commits: the local watcher for files; for a team store, the
 * holder of the project's lease (alive while its lease has not expired, by the database's clock).
 */
export interface PollerInfo {
  pid: number;
  /** null for a store only this machine uses. */
  host: string | null;
  startedAt: string;
  liveness: Liveness;
  /** Team store: the lease's epoch and when its holder last renewed it. */
  epoch?: number;
  heartbeatAt?: string;
  /** Team store: how long ago that was, and until when the lease holds, by the database's clock. */
  heartbeatAgeMs?: number;
  expiresAt?: string;
}

/** Thrown by a write under a lease that another holder has taken: the writer must stop writing. */
export class LeaseLostError extends Error {
  constructor(epoch: number) {
    super(`the polling lease (epoch ${epoch}) was taken over: this process no longer writes outcomes`);
    this.name = 'LeaseLostError';
  }
}

/** The lease of a store only one process polls (its watcher's claim sees to that): never lost, nothing to fence. */
export function soleLease(): PollingLease {
  return { epoch: 0, renew: async () => true, release: async () => undefined };
}
