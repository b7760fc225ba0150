// `deploy-watch monitor [sha]`: one monitor per commit (lock), PID file before the first record and
// removed after the last, signals recorded as `stopped`, a crash recorded too. --detach re-spawns itself.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Deps } from '../../core/deps.js';
import { resolveCommit } from '../../core/commitRef.js';
import { ConfigError, InternalError } from '../../core/errors.js';
import { EXIT, MONITOR_EXIT } from '../../core/exitCodes.js';
import { shortSha } from '../../core/format.js';
import { tryLock } from '../../core/lock.js';
import * as msg from '../../core/messages.js';
import { liveness, readPidFile, removeFile, writePidFile } from '../../core/pidFile.js';
import { isFinal, type StatusRecord } from '../../core/statusRecord.js';
import { recordStartFailure, toolLog } from '../../core/startFailure.js';
import { runMonitor } from '../../monitor/run.js';
import { buildSources } from '../../sources/index.js';
import type { Source } from '../../sources/source.js';

export interface MonitorOptions {
  commit?: string | undefined;
  detach: boolean;
  branch?: string | undefined;
  remote?: string | undefined;
}

const EXIT_OF: Partial<Record<StatusRecord['state'], number>> = {
  success: MONITOR_EXIT.success,
  stopped: MONITOR_EXIT.stopped,
};

export async function runMonitorCommand(options: MonitorOptions, deps: Deps): Promise<number> {
  const store = deps.store();
  const sha = await resolveCommit(options.commit, { git: deps.git(), store, head: deps.repo().head });
  // Built before detaching, so a missing source is an error in the terminal (78), not only in a log;
  // and on the record, because the hooks start this command where nobody sees its terminal.
  const { config, sources } = await startOrRecord(deps, sha, options, async () => {
    const config = await deps.config();
    const remote = options.remote ?? config.remote;
    return {
      config,
      sources: await buildSources(config, {
        git: deps.git(),
        stateDir: deps.stateDir(),
        remote,
        now: deps.now,
        random: Math.random,
      }),
    };
  });
  const branch = options.branch ?? config.branch;
  const remote = options.remote ?? config.remote;
  const paths = store.paths(sha);
  const say = (text: string, json: unknown) => {
    if (deps.globals.json) deps.stdout.write(`${JSON.stringify(json)}\n`);
    else if (!deps.globals.quiet) deps.stdout.write(`${text}\n`);
  };
  const watcher = readPidFile(paths.pid);
  if (watcher && liveness(watcher) === 'alive') {
    await closeAll(sources);
    say(msg.alreadyWatched(shortSha(sha), watcher.pid), { sha, alreadyWatched: true, pid: watcher.pid });
    return EXIT.success;
  }
  if (options.detach) {
    await closeAll(sources);
    const pid = deps.spawnDetached([
      'monitor',
      sha,
      '--branch',
      branch,
      '--remote',
      remote,
      ...(deps.globals.verbose ? ['--verbose'] : []),
    ]);
    if (!pid) {
      await recordStartFailure(
        store,
        { sha, branch, remote, reason: msg.startFailedOther(msg.DETACH_FAILED) },
        deps.now(),
        await toolLog(deps),
      );
      throw new InternalError(msg.DETACH_FAILED);
    }
    say(msg.monitorDetached(shortSha(sha), pid), { sha, pid, detached: true });
    return EXIT.success;
  }
  mkdirSync(dirname(paths.lock), { recursive: true, mode: 0o755 });
  const lock = await tryLock(paths.record, paths.lock);
  if (!lock.acquired) {
    await closeAll(sources);
    const pid = readPidFile(paths.pid)?.pid ?? null;
    say(msg.alreadyWatched(shortSha(sha), pid), { sha, alreadyWatched: true, pid });
    return EXIT.success;
  }
  const logger = await deps.logger();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal).on('SIGHUP', onSignal);
  let final: StatusRecord | null = null;
  try {
    writePidFile(paths.pid, { pid: process.pid, sha, startedAt: new Date(deps.now()).toISOString() });
    final = await runMonitor({
      sha,
      branch,
      remote,
      pid: process.pid,
      sources,
      store,
      polling: config.polling,
      now: deps.now,
      sleep: deps.sleep,
      signal: controller.signal,
      log: (event, fields) => logger.info(fields, `monitor ${event}`),
      logBudgetMs: (config.digitalocean?.logBudget ?? 120) * 1000,
      // Announced as soon as the outcome is on record, not after the logs.
      onFinal: async (record) => {
        // A person stopping the monitor needs no message; every real outcome is announced. Loaded here,
        // at the end of a run: execa costs ~150 ms, which `monitor --detach` must not pay.
        if (record.state === 'stopped') return;
        const { notifyOutcome } = await import('../../core/notify.js');
        await notifyOutcome(record, config.notify, {
          env: deps.env,
          cwd: deps.repo().topLevel,
          warn: (m) => logger.warn({ sha }, m),
        });
      },
    });
  } catch (error) {
    logger.error({ sha, err: (error as Error).message }, 'monitor failed');
    final = await recordCrash(deps, sha, (error as Error).message);
    throw error;
  } finally {
    await closeAll(sources);
    removeFile(paths.pid);
    await lock.release();
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal).off('SIGHUP', onSignal);
  }
  say(msg.monitorEnded(shortSha(sha), final.state, final.message), final);
  // The signal interrupted a sleep whose timer still runs: end now, as the signal asked.
  if (controller.signal.aborted) setImmediate(() => process.exit(MONITOR_EXIT.stopped));
  return EXIT_OF[final.state] ?? MONITOR_EXIT.failed;
}

/** A thrown error still leaves a final record, so `check` never sees "in progress" for a dead monitor. */
async function recordCrash(deps: Deps, sha: string, detail: string): Promise<StatusRecord | null> {
  try {
    const read = await deps.store().read(sha);
    if (read.status !== 'ok' || isFinal(read.record.state)) return null;
    const nowIso = new Date(deps.now()).toISOString();
    const record: StatusRecord = {
      ...read.record,
      state: 'stopped',
      message: msg.monitorCrashed(detail),
      updatedAt: nowIso,
      finishedAt: nowIso,
      pid: null,
    };
    await deps.store().write(record);
    return record;
  } catch {
    return null;
  }
}

async function closeAll(sources: Source[]): Promise<void> {
  await Promise.all(sources.map((s) => s.close?.().catch(() => undefined)));
}

/** Runs the start-up steps; when one throws, the commit's record says so (stopped, with the fix) and the tool log too. */
async function startOrRecord<T>(deps: Deps, sha: string, options: MonitorOptions, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    const reason =
      error instanceof ConfigError
        ? msg.startFailedConfig(error.message)
        : msg.startFailedOther((error as Error).message);
    await recordStartFailure(
      deps.store(),
      { sha, branch: options.branch ?? null, remote: options.remote ?? null, reason },
      deps.now(),
      await toolLog(deps),
    );
    throw error;
  }
}
