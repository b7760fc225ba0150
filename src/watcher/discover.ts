// `serve`'s discovery: the deployments no hook announced (a push with --no-verify, the dashboard, another
// tool) are found in the deployment list the poll already reads, and each one's commit is put in the team's
// inbox like a hook would, so its outcome is recorded like any other. The watcher follows it from there.
import { FULL_SHA } from '../store/statusRecord.js';
import type { StatusStore } from '../store/statusStore.js';
import type { SeenDeployment, Source } from '../sources/source.js';

/** What a discovered commit's record says it was pushed from: no deploy-watch machine announced it. */
export const UNANNOUNCED = 'unannounced';
/** How long a new deployment is left to a hook's own announcement (which names the pusher) before serve files it. */
export const ANNOUNCE_GRACE_MS = 5_000;
/** Deployments created this long before serve started are still taken on (a restart misses nothing recent). */
export const LOOK_BACK_MS = 10 * 60_000;

export interface DiscoveryOptions {
  store: StatusStore;
  sources: readonly Source[];
  now(): number;
  /** Deployments created before this (ms) are left alone. */
  since: number;
  /** The deploy branch, on the requests it files. */
  branch: string;
  graceMs?: number;
  log(event: string, fields: Record<string, unknown>): void;
}

export interface Discovery {
  /** False when no source can list deployments (only a database or health source is configured). */
  readonly possible: boolean;
  /** One look at the newest deployments; true when a source answered. */
  look(signal?: AbortSignal): Promise<boolean>;
}

export function createDiscovery(opts: DiscoveryOptions): Discovery {
  const listing = opts.sources.filter((s) => s.recent);
  /** When each undecided deployment was first seen (it waits out the grace from then). */
  const firstSeen = new Map<string, number>();
  /** Deployments decided: filed, already known, too old, or without a commit. */
  const decided = new Set<string>();

  const decide = async (d: SeenDeployment): Promise<void> => {
    const created = Date.parse(d.createdAt ?? '');
    if (Number.isFinite(created) && created < opts.since) return void decided.add(d.id);
    if (!d.commit || !FULL_SHA.test(d.commit)) {
      // A record is a commit's: an image or spec-only deployment has none that `check <sha>` could ask about.
      opts.log('skip', { deploymentId: d.id, commit: d.commit, reason: d.commit ? 'abbreviated commit' : 'no commit' });
      return void decided.add(d.id);
    }
    const seen = firstSeen.get(d.id) ?? opts.now();
    firstSeen.set(d.id, seen);
    if (opts.now() - seen < (opts.graceMs ?? ANNOUNCE_GRACE_MS)) return;
    // Decided only once filed or found known: a store error leaves it to the next look, not lost for good.
    if ((await opts.store.read(d.commit)).status !== 'missing' || (await opts.store.isFollowRequested(d.commit)))
      return void decided.add(d.id);
    await opts.store.requestFollow({
      sha: d.commit,
      branch: opts.branch,
      remote: null,
      requestedAt: new Date(opts.now()).toISOString(),
      pushedBy: d.by,
      host: UNANNOUNCED,
    });
    decided.add(d.id);
    opts.log('discovered', { sha: d.commit, deploymentId: d.id, by: d.by });
  };

  return {
    possible: listing.length > 0,
    async look(signal) {
      const lists = await Promise.all(listing.map((s) => s.recent!(signal).catch(() => null)));
      const seen = lists.flatMap((l) => l ?? []);
      for (const d of seen) if (!decided.has(d.id)) await decide(d);
      // Deployments that fell off the first page are not looked at again: forget them.
      if (lists.every((l) => l !== null)) {
        const ids = new Set(seen.map((d) => d.id));
        for (const id of decided) if (!ids.has(id)) decided.delete(id);
        for (const id of firstSeen.keys()) if (!ids.has(id) || decided.has(id)) firstSeen.delete(id);
      }
      return lists.some((l) => l !== null);
    },
  };
}
