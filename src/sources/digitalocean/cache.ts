// The shared poll: every commit the watcher follows reads the app and the deployment list through this cache,
// so one request answers all commits in flight (they poll on the same grid), and a rate-limited answer holds them all.
import type { HttpResult } from './http.js';

interface Entry {
  fetchedAt: number;
  body?: unknown;
  /** A rate-limited answer holds every caller until then. */
  blockedUntil?: number;
  reason?: string;
}

export interface ListCache {
  get(key: string, fetch: () => Promise<HttpResult>): Promise<HttpResult & { cached?: boolean }>;
  /** The body of a good answer younger than `maxAgeMs` (default: the cache's own age limit), without a request. */
  peek(key: string, maxAgeMs?: number): unknown;
}

/** No sharing: every call fetches. */
export const noCache: ListCache = { get: (_key, fetch) => fetch(), peek: () => undefined };

/** In the watcher's memory: answers younger than `ttlMs` are reused, and callers that ask at once share one request. */
export function memoryListCache(ttlMs: number, now: () => number): ListCache {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<HttpResult>>();
  return {
    peek(key, maxAgeMs = ttlMs) {
      const entry = entries.get(key);
      const age = now() - (entry?.fetchedAt ?? 0);
      return entry?.body !== undefined && age >= 0 && age < maxAgeMs ? entry.body : undefined;
    },
    async get(key, fetch) {
      const pending = inFlight.get(key);
      if (pending) return { ...(await pending), cached: true };
      const entry = entries.get(key);
      const t = now();
      if (entry?.blockedUntil && entry.blockedUntil > t) {
        return {
          kind: 'retry',
          reason: entry.reason ?? 'rate limited',
          waitMs: entry.blockedUntil - t,
          transient: false,
          cached: true,
        };
      }
      if (entry?.body !== undefined && t - entry.fetchedAt >= 0 && t - entry.fetchedAt < ttlMs)
        return { kind: 'ok', body: entry.body, waitMs: 0, cached: true };
      const request = fetch();
      inFlight.set(key, request);
      try {
        const result = await request;
        const at = now();
        if (result.kind === 'ok')
          entries.set(key, {
            fetchedAt: at,
            body: result.body,
            ...(result.waitMs > 0 ? { blockedUntil: at + result.waitMs } : {}),
          });
        else if (result.kind === 'retry' && !result.transient && result.waitMs)
          entries.set(key, { fetchedAt: at, blockedUntil: at + result.waitMs, reason: result.reason });
        return result;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}
