// The ordered source list from config and secrets: DigitalOcean, then the database, then the health URL.
// A source that is not configured is left out; with none left the monitor cannot run (exit 78).
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { Git } from '../core/git.js';
import * as msg from '../core/messages.js';
import { noSourceReason } from './configured.js';
import { fileListCache } from './digitalocean/cache.js';
import { createDigitalOceanSource } from './digitalocean/source.js';
import type { Source } from './source.js';

export interface SourceDeps {
  git: Git;
  /** The state folder; the shared list cache lives in its cache/ folder. */
  stateDir: string;
  remote: string;
  now(): number;
  random(): number;
}

/** Requests time out after this long; a slow API is a failed poll, not a hung monitor. */
export const DO_TIMEOUT_MS = 10_000;
export const DO_PER_PAGE = 50;

/** Async because the database and health sources (pg, its drivers) are loaded only when configured. */
export async function buildSources(config: Config, deps: SourceDeps): Promise<Source[]> {
  const sources: Source[] = [];
  const { doToken, databaseUrl } = config.secrets;
  if (config.digitalocean && doToken) {
    // Shorter than the fastest poll, so a monitor never reads an answer older than its own interval.
    const ttlMs = Math.max(1, Math.min(config.polling.fastInterval * 1000 * 0.8, 4_000));
    sources.push(
      createDigitalOceanSource({
        apiUrl: config.doApiUrl,
        token: doToken,
        appId: config.digitalocean.appId,
        timeoutMs: Math.min(DO_TIMEOUT_MS, Math.max(1_000, config.polling.slowInterval * 1000)),
        perPage: DO_PER_PAGE,
        now: deps.now,
        random: deps.random,
        cache: fileListCache(join(deps.stateDir, 'cache'), ttlMs, deps.now),
        isAncestor: (a, b) => isAncestor(deps.git, deps.remote, a, b),
      }),
    );
  }
  if (config.database && databaseUrl) {
    const { createDatabaseSource } = await import('./database.js');
    sources.push(createDatabaseSource({ databaseUrl, query: config.database.query, states: config.database.states, timeoutMs: config.database.timeout * 1000 }));
  }
  if (config.health) {
    const { createHealthSource } = await import('./health.js');
    sources.push(createHealthSource({ url: config.health.url, ...(config.health.commit ? { commit: config.health.commit } : {}), timeoutMs: config.health.timeout * 1000 }));
  }
  if (sources.length === 0) throw new ConfigError(noSourceReason(config) ?? msg.NO_SOURCE_CONFIGURED);
  return sources;
}

/** `git merge-base --is-ancestor`; fetches the remote once when the replacing commit is not known here. */
export async function isAncestor(git: Git, remote: string, ancestor: string, descendant: string): Promise<boolean | null> {
  const ask = async () => {
    try {
      return (await git.run(['merge-base', '--is-ancestor', ancestor, descendant], { allowFailure: true })).exitCode;
    } catch {
      return null; // git missing or killed: the ancestry is unknown
    }
  };
  let code = await ask();
  if (code !== 0 && code !== 1) {
    await git.run(['fetch', '--quiet', '--no-tags', remote], { allowFailure: true }).catch(() => undefined);
    code = await ask();
  }
  return code === 0 ? true : code === 1 ? false : null;
}
