// `deploy-watch monitor [sha]`: hands the commit to the repository's watcher (starting it when none runs).
// With --detach that is all; in the foreground it then follows the record to the end for scripts, and a
// signal stops following the commit (recorded `stopped`) before it exits.
import type { Deps } from '../../deps.js';
import { resolveCommit } from '../../store/commitRef.js';
import { ConfigError, InternalError } from '../../kernel/errors.js';
import { EXIT, MONITOR_EXIT } from '../../kernel/exitCodes.js';
import { shortSha } from '../../kernel/format.js';
import * as msg from '../../kernel/messages.js';
import { evaluate } from '../../store/outcome.js';
import { recordStartFailure, toolLog } from '../../watcher/startFailure.js';
import { isFinal, type StatusRecord } from '../../store/statusRecord.js';
import { handOver, STARTUP_WAIT_MS } from '../../watcher/handOver.js';
import { buildSources } from '../../sources/index.js';

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
const FOLLOW_POLL_MS = 200;
/** After a signal: how long to wait for the watcher to record the stop. */
const STOP_WAIT_MS = 3_000;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export async function runMonitorCommand(options: MonitorOptions, deps: Deps): Promise<number> {
  const store = deps.store();
  const sha = await resolveCommit(options.commit, {
    git: deps.git(),
    store,
    head: deps.repo().head,
    commitOnly: true,
  });
  // Checked here, so a missing source is an error in the terminal (78), not only in the watcher's log;
  // and on the record, because the hooks start monitors where nobody sees a terminal.
  const config = await startOrRecord(deps, sha, options, async () => {
    const config = await deps.config();
    const sources = await buildSources(config, {
      git: deps.git(),
      remote: options.remote ?? config.remote,
      now: deps.now,
      random: Math.random,
    });
    await Promise.all(sources.map((s) => s.close?.().catch(() => undefined)));
    return config;
  });
  const req = { sha, branch: options.branch ?? config.branch, remote: options.remote ?? config.remote };
  const say = (text: string, json: unknown) => {
    if (deps.globals.json) deps.stdout.write(`${JSON.stringify(json)}\n`);
    else if (!deps.globals.quiet) deps.stdout.write(`${text}\n`);
  };
  // A signal that lands while the commit is handed over is kept for followToEnd, which stops the follow,
  // rather than killing this process with no record of it (a busy machine makes that window real).
  const early: NodeJS.Signals[] = [];
  const keep = (signal: NodeJS.Signals) => early.push(signal);
  if (!options.detach) for (const s of SIGNALS) process.on(s, keep);
  let handed: Awaited<ReturnType<typeof handOver>>;
  try {
    handed = await handOver(deps, req, { force: true });
  } finally {
    for (const s of SIGNALS) process.off(s, keep);
  }
  if (handed.status === 'not-started') throw new InternalError(msg.DETACH_FAILED);
  if (handed.status === 'answered') return ended(handed.evaluation.record, say);
  if (options.detach) {
    if (handed.already)
      say(msg.alreadyWatched(shortSha(sha), handed.pid), { sha, alreadyWatched: true, pid: handed.pid });
    else say(msg.monitorDetached(shortSha(sha), handed.pid), { sha, pid: handed.pid, detached: true });
    return EXIT.success;
  }
  return followToEnd(deps, sha, !handed.already, say, early[0] ?? null);
}

/**
 * Waits for the commit's final record. A signal asks the watcher to stop following it first, when this call
 * handed it over; a follow someone else started (a push, another agent's `check --wait`) is theirs and goes on.
 */
async function followToEnd(
  deps: Deps,
  sha: string,
  ours: boolean,
  say: (text: string, json: unknown) => void,
  signalledEarly: NodeJS.Signals | null,
): Promise<number> {
  const store = deps.store();
  let stopBy: number | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopBy !== null) return;
    stopBy = ours ? deps.now() + STOP_WAIT_MS : deps.now();
    if (ours) store.requestStop(sha, msg.monitorStoppedBySignal(signal)).catch(() => undefined);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  if (signalledEarly) onSignal(signalledEarly);
  let waitingSince: number | null = null;
  try {
    for (;;) {
      const e = await evaluate(store, sha);
      // Back in the inbox while one watcher hands it on to the next (settings changed): waited for, a while.
      const handedOn = e.unknown === 'stale' && (await store.isFollowRequested(sha));
      waitingSince = handedOn ? (waitingSince ?? deps.now()) : null;
      if (handedOn && stopBy === null && deps.now() - waitingSince! < STARTUP_WAIT_MS) {
        await deps.sleep(FOLLOW_POLL_MS);
        continue;
      }
      // A failure's logs may still be arriving: they are part of what a script waits for, and after a
      // signal the record says whether they came before the stop.
      const logs = e.record?.logs;
      const logsComing = logs?.state === 'fetching' && Date.parse(logs.until ?? '') > deps.now();
      if ((e.outcome !== 'in_progress' && !logsComing) || (stopBy !== null && deps.now() >= stopBy))
        return ended(e.record, say);
      await deps.sleep(FOLLOW_POLL_MS);
    }
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

function ended(record: StatusRecord | null, say: (text: string, json: unknown) => void): number {
  if (!record) return MONITOR_EXIT.stopped;
  const message = record.stoppedBy ? msg.stoppedHow(record.stoppedBy) : record.message;
  say(msg.monitorEnded(shortSha(record.sha), record.state, message), record);
  // A record still in progress here means its watcher died: no outcome, like a stop.
  return EXIT_OF[record.state] ?? (isFinal(record.state) ? MONITOR_EXIT.failed : MONITOR_EXIT.stopped);
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
