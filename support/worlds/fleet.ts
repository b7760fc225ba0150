// The watcher over one shared DigitalOcean source on a driven clock against the fake API: the world of
// watcher.test.ts and economy.test.ts (what many commits cost, how the budget paces them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import type { StatusRecord } from '../../src/store/statusRecord.js';
import type { WatcherClaim } from '../../src/store/statusStore.js';
import { runWatcher, type WatcherRun, type WatcherSummary } from '../../src/watcher/watcher.js';
import { memoryListCache } from '../../src/sources/digitalocean/cache.js';
import { createDigitalOceanSource } from '../../src/sources/digitalocean/source.js';
import { start, type FakeDeployment, type Fault, type RequestRecord, type StartOptions } from '../fakes/doApi.js';
import { VirtualClock } from '../helpers/virtualClock.js';

export const T0 = Date.parse('2026-03-02T10:00:00Z');
export const POLLING = { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 };
export const sha = (i: number) => (i + 1).toString(16).padStart(40, 'c');
/** Pushed in quick succession: each a little after the one before, live about three minutes later. */
export const dep = (i: number, end = 'ACTIVE'): FakeDeployment => ({
  id: `d${i}`,
  sha: sha(i),
  phases: [
    [10_000 + i * 500, 'BUILDING'],
    [200_000 + i * 1_000, end as 'ACTIVE'],
  ],
});

export interface Fleet {
  summary: WatcherSummary;
  records: Map<string, StatusRecord>;
  requests: number;
  statuses: number[];
  retired: number;
  /** Requests per endpoint (app, list, deployment, logs...) and every request, from the fake's log. */
  byEndpoint: Record<string, number>;
  log: RequestRecord[];
}

/**
 * Runs a watcher over `deployments` with `requested` commits in its inbox (and whatever records `seed`
 * writes first); `during` runs beside it on the same clock (a stop request, a signal).
 */
export async function fleet(
  deployments: FakeDeployment[],
  requested: string[],
  opts: {
    faults?: Fault[];
    seed?: (store: FileStatusStore) => Promise<number>;
    during?: (ctx: { clock: VirtualClock; store: FileStatusStore; abort(reason: string): void }) => Promise<void>;
    run?: Partial<WatcherRun>;
    claim?: (store: FileStatusStore, clock: VirtualClock) => Partial<WatcherClaim>;
    /** The fake's quota and window (default 5000 a minute). */
    limits?: Omit<StartOptions, 'now'>;
    /** Is `a` contained in `b`? (default: git cannot tell). */
    isAncestor?: (a: string, b: string) => Promise<boolean | null>;
  } = {},
): Promise<Fleet> {
  const clock = new VirtualClock(T0);
  const api = await start(
    { appId: 'app', token: 't', deployments, faults: opts.faults ?? [] },
    { now: clock.now, ...opts.limits },
  );
  const dir = mkdtempSync(join(tmpdir(), 'dw-watcher-'));
  try {
    const store = new FileStatusStore(dir, clock);
    const seeded = (await opts.seed?.(store)) ?? 0;
    for (const s of requested)
      await store.requestFollow({ sha: s, branch: 'main', remote: 'origin', requestedAt: new Date(T0).toISOString() });
    let retired = 0;
    const claim: WatcherClaim = {
      retire: async () => void (retired += 1),
      reinstate: async () => {},
      release: async () => {},
      ...opts.claim?.(store, clock),
    };
    const controller = new AbortController();
    // Every commit's loop counts on the clock until its outcome is announced.
    clock.enter(requested.length + seeded);
    const source = createDigitalOceanSource({
      apiUrl: api.url,
      token: 't',
      appId: 'app',
      timeoutMs: 5_000,
      perPage: 50,
      now: clock.now,
      random: () => 0.5,
      cache: memoryListCache(4_000, clock.now),
      isAncestor: opts.isAncestor ?? (async () => null),
    });
    const [summary] = await clock.all<WatcherSummary | undefined>([
      () =>
        runWatcher({
          store,
          claim,
          sources: [source],
          polling: POLLING,
          pid: process.pid,
          defaults: { branch: 'main', remote: 'origin' },
          now: clock.now,
          sleep: clock.sleep,
          signal: controller.signal,
          lingerMs: 0,
          tickMs: 1_000,
          onFinal: async () => clock.leave(),
          ...opts.run,
        }),
      async () => {
        await opts.during?.({ clock, store, abort: (reason) => controller.abort(reason) });
        return undefined;
      },
    ]);
    const records = new Map<string, StatusRecord>();
    for (const s of await store.listShas()) {
      const read = await store.read(s);
      if (read.status === 'ok') records.set(s, read.record);
    }
    return {
      summary: summary!,
      records,
      requests: api.apiRequests().length,
      statuses: api.apiRequests().map((r) => r.status),
      retired,
      byEndpoint: api.countByEndpoint(),
      log: [...api.requests],
    };
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
