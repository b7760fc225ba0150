// The polling lease as a watcher holds it: taken when free (tried every LEASE_RETRY_MS), renewed every third
// of its length, and let go once another holder took it or it could not be renewed for a whole lease. Only
// the holder (the poller) follows commits and writes their records.
import * as msg from '../kernel/messages.js';
import type { PollingLease, StatusStore } from '../store/statusStore.js';

/** How often a watcher without the lease tries to take it (a free or expired lease is taken within this). */
export const LEASE_RETRY_MS = 1_000;
export const DEFAULT_LEASE_MS = 30_000;

export interface LeaseTerms {
  store: StatusStore;
  /** Who asks: named in the lease for `manage status` on every machine. */
  holder: { pid: number; host: string; startedAt: string };
  leaseMs: number;
  now(): number;
  log?(event: string, fields: Record<string, unknown>): void;
  /** Just taken (stale stop requests already dropped): take on the commits no live poller writes. */
  onTaken(): Promise<void>;
  /** Just renewed. */
  onRenewed(): Promise<void>;
  /** Lost: resolves once every commit's loop has handed off (the next holder writes their records). */
  onLost(why: string): Promise<void>;
}

export interface HeldLease {
  /** The lease while this process holds it. */
  readonly lease: PollingLease | null;
  /** Once a tick: take the lease if it is time to try, or renew the one held when it is due. */
  step(): Promise<void>;
  release(): Promise<void>;
}

export function holdLease(terms: LeaseTerms): HeldLease {
  const { store, leaseMs } = terms;
  let lease: PollingLease | null = null;
  let nextTry = 0;
  let nextRenew = 0;
  let renewedAt = 0;
  const take = async () => {
    lease = await store.acquirePolling(terms.holder, leaseMs).catch(() => null);
    nextTry = terms.now() + LEASE_RETRY_MS;
    if (!lease) return;
    renewedAt = terms.now();
    nextRenew = renewedAt + leaseMs / 3;
    terms.log?.('lease', { epoch: lease.epoch });
    // Stop requests from before this poller are stale: whoever asked recorded the stop itself.
    for (const stop of await store.stopRequests()) await store.dropStopRequest(stop.sha);
    await terms.onTaken();
  };
  const keep = async (held: PollingLease) => {
    if (terms.now() < nextRenew) return;
    const renewed = await held.renew().catch(() => null);
    if (renewed) {
      renewedAt = terms.now();
      nextRenew = renewedAt + leaseMs / 3;
      await terms.onRenewed();
      return;
    }
    // Taken by another holder, or not renewable for a whole lease (then another may hold it): stop writing.
    if (renewed === false || terms.now() - renewedAt >= leaseMs) {
      terms.log?.('lease lost', { epoch: held.epoch });
      await terms.onLost(msg.leaseLost(held.epoch));
      lease = null;
      nextTry = terms.now() + LEASE_RETRY_MS;
    } else nextRenew = terms.now() + LEASE_RETRY_MS; // a network blip: try again soon
  };
  return {
    get lease() {
      return lease;
    },
    async step() {
      if (lease) await keep(lease);
      else if (terms.now() >= nextTry) await take();
    },
    async release() {
      await lease?.release().catch(() => undefined);
    },
  };
}
