// The watcher as a process (`deploy-watch watcher`, started detached by handOver.ts): claim the state
// folder (exactly one), build the sources once, follow commits until idle or a signal, announce outcomes,
// and leave nothing behind: sources closed, registration and lock released.
import type { Config } from '../kernel/config/config.js';
import type { Deps } from '../deps.js';
import { ConfigError } from '../kernel/errors.js';
import { machineName } from '../kernel/machine.js';
import { EXIT, MONITOR_EXIT } from '../kernel/exitCodes.js';
import * as msg from '../kernel/messages.js';
import { settingsPrint } from '../kernel/config/settingsPrint.js';
import { gitHubToken } from '../kernel/config/githubToken.js';
import { gitLabToken } from '../kernel/config/gitlabToken.js';
import { recordStartFailure, toolLog } from './startFailure.js';
import type { StatusRecord } from '../store/statusRecord.js';
import type { StatusStore, WatcherClaim } from '../store/statusStore.js';
import { buildSources } from '../sources/index.js';
import type { Source } from '../sources/source.js';
import { DEFAULT_LOG_BUDGET_MS } from './follow.js';
import { runWatcher, type WatcherRun } from './watcher.js';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export async function runWatcherProcess(deps: Deps): Promise<number> {
  const store = deps.store();
  const loss = claimLoss();
  const startedAt = new Date(deps.now()).toISOString();
  const claim = await store.claimWatcher(process.pid, startedAt, loss.onLost);
  if (!claim) return EXIT.success; // another watcher runs: it reads the same inbox
  const ended = await Promise.race([follow(deps, store, claim, startedAt), loss.lost]);
  // Lost, or a signal that may have interrupted a sleep whose timer still runs: end now. Made way for a fresh
  // watcher: its commits are handed on, so nothing (a timer, a kept-alive socket) may hold it.
  if (ended !== 'idle') deps.leaveWhenDone();
  return ended === 'signal' ? MONITOR_EXIT.stopped : EXIT.success;
}

/** Follows commits until idle, a signal, or a fresher watcher takes over; leaves nothing behind. */
async function follow(
  deps: Deps,
  store: StatusStore,
  claim: WatcherClaim,
  startedAt: string,
): Promise<'idle' | 'signal' | 'madeWay'> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(msg.monitorStoppedBySignal(signal));
  for (const s of SIGNALS) process.on(s, onSignal);
  let sources: Source[] = [];
  let madeWay = false;
  try {
    const config = await deps.config().catch((error) => refuseInbox(deps, store, error));
    sources = await watcherSources(config, deps).catch((error) => refuseInbox(deps, store, error));
    // A log it may not open (a link planted at its name) fails the commits in the inbox, saying why.
    const logger = await deps.logger().catch((error) => refuseInbox(deps, store, error));
    logger.info({ pid: process.pid }, 'watcher started');
    const summary = await runWatcher({
      ...(await watcherRun(config, deps, {
        store,
        claim,
        sources,
        startedAt,
        signal: controller.signal,
        log: (event, fields) => logger.info(fields, `watcher ${event}`),
        warn: (sha, m) => logger.warn({ sha }, m),
      })),
      lingerMs: config.polling.linger * 1000,
      settings: store.settingsKey ? settingsPrint(config, store.settingsKey()) : null,
    });
    logger.info(summary, 'watcher ended');
    madeWay = summary.ended === 'settings';
  } finally {
    await leaveWatcher(sources, claim, store);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  return controller.signal.aborted ? 'signal' : madeWay ? 'madeWay' : 'idle';
}

/**
 * Lost to another watcher that took over the state folder at the same moment: its records stand, so the loser
 * leaves at once, writing nothing (no clean-up either: the claim and the lock are the other's now). `lost`
 * settles then; the run races it and asks the entry point to end the process (Deps.leaveWhenDone).
 */
export function claimLoss(): { onLost(): void; lost: Promise<'lost'> } {
  let onLost = (): void => undefined;
  const lost = new Promise<'lost'>((resolve) => (onLost = () => resolve('lost')));
  return { onLost, lost };
}

/** What every watcher of this config runs with, the background one and `serve` alike. */
export function watcherSettings(config: Config, deps: Pick<Deps, 'env' | 'now' | 'sleep' | 'team'>) {
  return {
    polling: config.polling,
    host: machineName(deps.env),
    leaseMs: config.team.lease * 1000,
    team: deps.team() !== null,
    defaults: { branch: config.branch, remote: config.remote },
    now: deps.now,
    sleep: deps.sleep,
    logBudgetMs: config.digitalocean ? config.digitalocean.logBudget * 1000 : DEFAULT_LOG_BUDGET_MS,
  };
}

/** What the background watcher and `serve` both run with: the settings, what it follows with, what it tells. */
export async function watcherRun(
  config: Config,
  deps: Deps,
  parts: Pick<WatcherRun, 'store' | 'claim' | 'sources' | 'startedAt' | 'signal'> & {
    log: (event: string, fields: Record<string, unknown>) => void;
    warn: (sha: string, message: string) => void;
  },
) {
  const { warn, ...run } = parts;
  return {
    ...watcherSettings(config, deps),
    ...run,
    pid: process.pid,
    onFinal: announcer(config, deps, warn),
    ...(await publishing(config, deps, run.log)),
  };
}

/** The sources a watcher polls, built once for all the commits it follows (the watcher and `serve`). */
export function watcherSources(config: Config, deps: Pick<Deps, 'git' | 'now'>): Promise<Source[]> {
  return buildSources(config, { git: deps.git(), remote: config.remote, now: deps.now, random: Math.random });
}

/** What a watcher leaves on its way out, whatever ended it: sources closed, its claim released, the store closed. */
export async function leaveWatcher(
  sources: readonly Source[],
  claim: WatcherClaim | null,
  store: StatusStore,
): Promise<void> {
  await Promise.all(sources.map((s) => s.close?.().catch(() => undefined)));
  await claim?.release();
  await store.close?.();
}

/** Every real outcome is announced (when anyone is to be told); a person stopping a commit needs no message. */
function announcer(
  config: Config,
  deps: Pick<Deps, 'env' | 'repo'>,
  warn: (sha: string, message: string) => void,
): (record: StatusRecord) => Promise<void> {
  return async (record) => {
    if (record.state === 'stopped' || (!config.notify.command && !config.notify.webhook)) return;
    // Loaded here, at the end of a run: execa costs ~150 ms that starting the watcher must not pay.
    const { notifyOutcome } = await import('./notify.js');
    await notifyOutcome(record, config.notify, {
      env: deps.env,
      cwd: deps.repo().topLevel,
      warn: (m) => warn(record.sha, m),
    });
  };
}

/** Publishing outcomes to GitHub or GitLab when a token is set (its code loaded only then); off when it cannot start. */
async function publishing(
  config: Config,
  deps: Pick<Deps, 'env' | 'git' | 'now' | 'sleep'>,
  log: (event: string, fields: Record<string, unknown>) => void,
): Promise<Pick<WatcherRun, 'publish'>> {
  if (!gitHubToken(deps.env) && !gitLabToken(deps.env)) return {};
  const { publisherFor } = await import('../publish/setup.js');
  // Publishing is an extra: a setup that fails (git gone, say) leaves it off and the watcher follows on.
  const publisher = await publisherFor(config, { ...deps, git: deps.git() }, log).catch((error) => {
    log('publish off', { err: (error as Error).message });
    return null;
  });
  return publisher ? { publish: (sha, store, signal) => publisher.follow(sha, store, signal) } : {};
}

/** No commit can be followed (config, sources): each one waiting says why on its record, then the error stands. */
async function refuseInbox(deps: Deps, store: StatusStore, error: unknown): Promise<never> {
  const detail = (error as Error).message;
  const reason = error instanceof ConfigError ? msg.startFailedConfig(detail) : msg.startFailedOther(detail);
  const log = await toolLog(deps);
  for (const request of await store.followRequests()) {
    // A team's inbox holds other machines' commits too: this machine's setup speaks only for its own.
    if (request.host && request.host !== machineName(deps.env)) continue;
    await store.dropFollowRequest(request.sha);
    await recordStartFailure(store, { ...request, reason }, deps.now(), log);
  }
  throw error;
}
