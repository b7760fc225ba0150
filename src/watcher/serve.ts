// `deploy-watch serve`: the team's watcher for a host that outlives agent sandboxes. The watcher of
// watcherProcess.ts that never leaves when idle, competes for the project's lease like any machine, and
// while it holds it also files the deployments no hook announced (discover.ts). JSON lines on stdout, an
// optional liveness probe, and a clean end on SIGTERM/SIGINT: the lease released for the next holder at once.
import { ConfigError } from '../kernel/errors.js';
import { redactionList } from '../kernel/config/redactionList.js';
import type { Deps } from '../deps.js';
import { EXIT } from '../kernel/exitCodes.js';
import * as msg from '../kernel/messages.js';
import { packageVersion } from '../kernel/packageRoot.js';
import type { WatcherClaim } from '../store/statusStore.js';
import { untilAborted } from '../kernel/untilAborted.js';
import type { Source } from '../sources/source.js';
import { createDiscovery, LOOK_BACK_MS } from './discover.js';
import { type HealthServer, type HealthState, healthAnswer, startHealthServer } from './serveHealth.js';
import { LEASE_RETRY_MS, runWatcher } from './watcher.js';
import { claimLoss, leaveWatcher, watcherRun, watcherSettings, watcherSources } from './process.js';

export interface ServeOptions {
  /** null: no probe. */
  healthPort: number | null;
  healthHost: string;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/** The watcher's events under the names serve's log gives them. */
const EVENTS: Record<string, string> = { lease: 'lease taken', end: 'outcome', crash: 'error' };

export async function runServe(deps: Deps, options: ServeOptions): Promise<number> {
  if (!deps.team()) throw new ConfigError(msg.SERVE_NEEDS_TEAM);
  const loss = claimLoss();
  const ended = await Promise.race([serve(deps, options, loss.onLost), loss.lost]);
  if (ended !== 'lost') return ended;
  deps.leaveWhenDone();
  return EXIT.internal;
}

async function serve(deps: Deps, options: ServeOptions, onLost: () => void): Promise<number> {
  const config = await deps.config();
  const logger = await serveLogger(deps);
  const log = (event: string, fields: Record<string, unknown> = {}) => {
    const name = EVENTS[event] ?? event;
    if (event === 'poll') logger.debug({ event: name, ...fields }, name);
    else if (name === 'error') logger.error({ event: name, ...fields }, name);
    else logger.info({ event: name, ...fields }, name);
  };

  const settings = watcherSettings(config, deps);
  const startMs = deps.now();
  const startedAt = new Date(startMs).toISOString();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) log('signal', { signal });
    controller.abort(msg.monitorStoppedBySignal(signal));
  };
  for (const s of SIGNALS) process.on(s, onSignal);

  const store = deps.store();
  const health: HealthState = {
    host: settings.host,
    holdsLease: false,
    following: 0,
    lastPollAt: null,
    lastTickAt: null,
  };
  let probe: HealthServer | null = null;
  let sources: Source[] = [];
  let claim: WatcherClaim | null = null;
  let looking: Promise<void> | null = null;
  try {
    if (options.healthPort !== null) probe = await listen(options, () => healthAnswer(health, deps.now()));
    log('start', {
      host: settings.host,
      version: packageVersion(),
      leaseSeconds: config.team.lease,
      healthPort: probe?.port ?? null,
    });
    claim = await claimStateFolder(deps, startedAt, controller.signal, log, onLost);
    if (!claim) return EXIT.success; // a signal came while waiting
    sources = await watcherSources(config, deps);
    const discovery = createDiscovery({
      store,
      sources,
      now: deps.now,
      since: startMs - LOOK_BACK_MS,
      branch: config.branch,
      log,
    });
    if (!discovery.possible) log('discovery off', { reason: 'no DigitalOcean app configured: only announced commits' });
    // On the slow poll grid: the commits followed poll on the same instants, so the list is their cached answer.
    const gridMs = config.polling.slowInterval * 1000;
    let nextLook = 0;
    let wasHolding: boolean | null = null;
    const summary = await runWatcher({
      ...(await watcherRun(config, deps, {
        store,
        claim,
        sources,
        startedAt,
        signal: controller.signal,
        log,
        warn: (sha, m) => log('warning', { sha, message: m }),
      })),
      lingerMs: Number.POSITIVE_INFINITY,
      onTick: ({ holdsLease, following }) => {
        const now = deps.now();
        Object.assign(health, { holdsLease, following, lastTickAt: now });
        if (holdsLease !== wasHolding && !holdsLease) log('standby', { retryMs: LEASE_RETRY_MS });
        wasHolding = holdsLease;
        if (!holdsLease || !discovery.possible || looking || now < nextLook) return;
        nextLook = (Math.floor(now / gridMs) + 1) * gridMs;
        looking = discovery
          .look(controller.signal)
          .then((answered) => {
            if (answered) health.lastPollAt = deps.now();
          })
          .catch((error) => log('error', { during: 'discovery', err: (error as Error).message }))
          .finally(() => {
            looking = null;
          });
      },
    });
    log('stopped', { ...summary });
  } catch (error) {
    log('error', { err: (error as Error).message });
    throw error;
  } finally {
    await looking;
    await leaveWatcher(sources, claim, store);
    await probe?.close();
    for (const s of SIGNALS) process.off(s, onSignal);
    // A sleep or a request's timer may still run: the entry point ends the process once the exit code is set.
    deps.leaveWhenDone();
  }
  return EXIT.success;
}

/** serve's JSON lines on stdout, every secret of the environment kept out (the same list as the tool's log). */
export async function serveLogger(deps: Pick<Deps, 'env' | 'globals'>) {
  const { createStdoutLogger } = await import('../kernel/log.js');
  return createStdoutLogger(redactionList(deps.env), deps.globals.verbose ? 'debug' : 'info');
}

async function listen(options: ServeOptions, answer: () => ReturnType<typeof healthAnswer>): Promise<HealthServer> {
  const port = options.healthPort ?? 0;
  try {
    return await startHealthServer(options.healthHost, port, answer);
  } catch (error) {
    throw new ConfigError(msg.healthListenFailed(options.healthHost, port, (error as Error).message));
  }
}

/**
 * This state folder's one watcher (so the hooks of this clone hand their commits to serve, not to a second
 * watcher). A background watcher already running here keeps it until it leaves: serve waits for it.
 */
async function claimStateFolder(
  deps: Deps,
  startedAt: string,
  signal: AbortSignal,
  log: (event: string, fields?: Record<string, unknown>) => void,
  onLost: () => void,
): Promise<WatcherClaim | null> {
  const store = deps.store();
  let told = false;
  while (!signal.aborted) {
    // Another process took the claim away (two took over a dead one's at once): leave writing nothing.
    const claim = await store.claimWatcher(process.pid, startedAt, () => {
      log('error', { err: 'another watcher took over this state folder' });
      onLost();
    });
    if (claim) return claim;
    if (!told) log('waiting', { reason: 'a watcher of this state folder runs; serve takes over when it leaves' });
    told = true;
    await untilAborted(deps.sleep(LEASE_RETRY_MS), signal, undefined);
  }
  return null;
}
