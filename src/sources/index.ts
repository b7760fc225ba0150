// The ordered source list from config and secrets: DigitalOcean, then the database, then the health URL.
// A source that is not configured is left out; with none left the monitor cannot run (exit 78).
import type { Config } from '../kernel/config/config.js';
import { ConfigError } from '../kernel/errors.js';
import type { Git } from '../git/git.js';
import { isAncestorFetchingOnce } from '../git/queries.js';
import * as msg from '../kernel/messages.js';
import { noSourceReason } from './configured.js';
import { memoryListCache } from './digitalocean/cache.js';
import { DO_PER_PAGE, DO_TIMEOUT_MS, doAccessOf } from './digitalocean/connect.js';
import { createAppsSource } from './digitalocean/apps.js';
import { createDigitalOceanSource } from './digitalocean/source.js';
import type { HealthSourceOptions } from './health.js';
import type { Source } from './source.js';

export interface SourceDeps {
  git: Git;
  remote: string;
  now(): number;
  random(): number;
}

/** Async because the database and health sources (pg, its drivers) are loaded only when configured. */
export async function buildSources(config: Config, deps: SourceDeps): Promise<Source[]> {
  const sources: Source[] = [];
  const access = doAccessOf(config);
  // The commit's own remote (a push to another remote than the config's names it); else the config's.
  const isAncestor = (a: string, b: string, remote: string | null) =>
    isAncestorFetchingOnce(deps.git, remote ?? deps.remote, a, b);
  if (config.digitalocean && access) {
    // Shorter than the fastest poll, so a monitor never reads an answer older than its own interval.
    const ttlMs = Math.max(1, Math.min(config.polling.fastInterval * 1000 * 0.8, 4_000));
    const common = {
      ...access,
      timeoutMs: Math.min(DO_TIMEOUT_MS, Math.max(1_000, config.polling.slowInterval * 1000)),
      perPage: DO_PER_PAGE,
      now: deps.now,
      random: deps.random,
      cache: memoryListCache(ttlMs, deps.now),
      isAncestor,
    };
    const { apps, appId } = config.digitalocean;
    // One app id is watched as it always was; a list of apps through one source that combines them.
    if (apps) sources.push(createAppsSource({ ...common, apps, branch: config.branch }));
    else if (appId) sources.push(createDigitalOceanSource({ ...common, appId }));
  }
  const database = await buildDatabaseSource(config);
  if (database) sources.push(database);
  const health = await buildHealthSource(config, deps.now, isAncestor);
  if (health) sources.push(health);
  if (sources.length === 0) throw new ConfigError(noSourceReason(config) ?? msg.NO_SOURCE_CONFIGURED);
  return sources;
}

/** The database source, or null when its section or DATABASE_URL is missing. */
export async function buildDatabaseSource(config: Config): Promise<Source | null> {
  const { databaseUrl } = config.secrets;
  if (!config.database || !databaseUrl) return null;
  const { createDatabaseSource } = await import('./database.js');
  return createDatabaseSource({
    databaseUrl,
    query: config.database.query,
    states: config.database.states,
    timeoutMs: config.database.timeout * 1000,
  });
}

/** The health source, or null when health.url is not set. */
export async function buildHealthSource(
  config: Config,
  now?: () => number,
  isAncestor?: HealthSourceOptions['isAncestor'],
): Promise<Source | null> {
  if (!config.health) return null;
  const { createHealthSource } = await import('./health.js');
  return createHealthSource({
    url: config.health.url,
    ...(config.health.commit ? { commit: config.health.commit } : {}),
    timeoutMs: config.health.timeout * 1000,
    ...(now ? { now } : {}),
    ...(isAncestor ? { isAncestor } : {}),
  });
}
