// The shared poll: every monitor of one repository reads the deployment list through this cache, so
// one request answers all commits in flight. A file per app and page in the state folder, under a lock.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../../core/atomicWrite.js';
import type { HttpResult } from './http.js';

interface Entry {
  fetchedAt: number;
  body?: unknown;
  /** A rate-limited answer holds every monitor until then. */
  blockedUntil?: number;
  reason?: string;
}

export interface ListCache {
  get(key: string, fetch: () => Promise<HttpResult>): Promise<HttpResult & { cached?: boolean }>;
}

/** No sharing: every call fetches (one monitor, or no state folder). */
export const noCache: ListCache = { get: (_key, fetch) => fetch() };

export function fileListCache(dir: string, ttlMs: number, now: () => number): ListCache {
  return {
    async get(key, fetch) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const file = join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
      let release: (() => Promise<void>) | null = null;
      try {
        release = await lockfile.lock(file, {
          realpath: false,
          stale: 10_000,
          retries: { retries: 100, minTimeout: 10, maxTimeout: 100 },
        });
      } catch {
        return fetch(); // cannot share now: fetching alone is still correct
      }
      try {
        const entry = readEntry(file);
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
        if (entry?.body !== undefined && t - entry.fetchedAt >= 0 && t - entry.fetchedAt < ttlMs) {
          return { kind: 'ok', body: entry.body, waitMs: 0, cached: true };
        }
        const result = await fetch();
        const at = now();
        if (result.kind === 'ok')
          save(file, {
            fetchedAt: at,
            body: result.body,
            ...(result.waitMs > 0 ? { blockedUntil: at + result.waitMs } : {}),
          });
        else if (result.kind === 'retry' && !result.transient && result.waitMs)
          save(file, { fetchedAt: at, blockedUntil: at + result.waitMs, reason: result.reason });
        return result;
      } finally {
        await release().catch(() => undefined);
      }
    },
  };
}

function readEntry(file: string): Entry | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    return typeof value.fetchedAt === 'number' ? value : null;
  } catch {
    return null; // missing or half-written by a crashed monitor: fetch again
  }
}

function save(file: string, entry: Entry): void {
  try {
    writeFileAtomic(file, JSON.stringify(entry), 0o600);
  } catch {
    /* a cache that cannot be written only costs requests */
  }
}
