// `deploy-watch manage status|stop <sha>|stop --all|cleanup`: the watcher of this clone and its commits.
import type { Deps } from '../../deps.js';
import { InternalError, UsageError } from '../../kernel/errors.js';
import { EXIT } from '../../kernel/exitCodes.js';
import { resolveCommit } from '../../store/commitRef.js';
import { ago, duration, paint, shortSha, table } from '../../kernel/format.js';
import * as msg from '../../kernel/messages.js';
import type { PollerInfo } from '../../store/statusStore.js';
import { askerName } from '../../kernel/machine.js';
import { type StopAllResult, stopFollowing, stopWatcher, watcherStatus, type StopDeps } from '../../watcher/control.js';

export async function runManageStatus(deps: Deps): Promise<number> {
  const team = deps.team() !== null;
  const status = await watcherStatus(deps.store(), team);
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(status)}\n`);
    return EXIT.success;
  }
  const { watcher, commits } = status;
  if (!watcher && commits.length === 0 && !team) {
    if (!deps.globals.quiet) deps.stdout.write(`${msg.NO_MONITORS}\n`);
    return EXIT.success;
  }
  const p = paint(deps.colour);
  const now = deps.now();
  const out: string[] = [];
  if (watcher?.liveness === 'alive') {
    const age = ago(watcher.startedAt, now).replace(/ ago$/, '');
    const memory = watcher.rssBytes === null ? null : `${Math.round(watcher.rssBytes / 1024 / 1024)} MB`;
    out.push(msg.watcherLine(watcher.pid, age, memory, commits.filter((c) => !c.stale).length));
  } else if (watcher) {
    out.push(p.yellow(msg.watcherGone(watcher.pid, watcher.liveness === 'reused' ? 'PID reused' : 'not running')));
  }
  if (team) out.push(status.poller ? pollerLine(status.poller, now) : msg.NO_TEAM_POLLER);
  if (status.storeUnreachable) out.push(p.yellow(msg.STATUS_STORE_UNREACHABLE));
  if (commits.length > 0) {
    const rows = [['SHA', 'BRANCH', 'AGE', 'STATE', 'PHASE', '']];
    for (const c of commits) {
      const note = c.stale ? p.yellow(c.liveness === 'reused' ? 'stale (PID reused)' : 'stale (watcher gone)') : '';
      rows.push([
        shortSha(c.sha),
        c.record?.branch ?? '-',
        ago(c.startedAt, now).replace(/ ago$/, ''),
        c.record?.state ?? 'starting',
        c.record?.phase ?? '-',
        note,
      ]);
    }
    out.push(table(rows));
  }
  deps.stdout.write(`${out.join('\n')}\n`);
  if (commits.some((c) => c.stale) && !deps.globals.quiet) deps.stdout.write(p.dim(`${msg.STALE_HINT}\n`));
  return EXIT.success;
}

export interface StopOptions {
  commit: string | undefined;
  all: boolean;
  /** Seconds to wait: for the watcher to let go of a commit, or between SIGTERM and SIGKILL. */
  grace: number;
}

export async function runManageStop(options: StopOptions, deps: Deps): Promise<number> {
  const store = deps.store();
  const stopDeps: StopDeps = {
    store,
    team: deps.team() !== null,
    kill: deps.kill,
    now: deps.now,
    sleep: deps.sleep,
    by: askerName(deps.env),
  };
  if (options.all) {
    const result = await stopWatcher(options.grace * 1000, stopDeps);
    if (result.status === 'survived') throw new InternalError(msg.stopFailed(result.pid));
    if (deps.globals.json) deps.stdout.write(`${JSON.stringify(result)}\n`);
    else if (!deps.globals.quiet) deps.stdout.write(`${stopAllText(result)}\n`);
    return EXIT.success;
  }
  if (!options.commit) throw new UsageError(msg.STOP_NEEDS_COMMIT);
  const sha = await resolveCommit(options.commit, { store, head: null, storeOnly: true });
  // Asked to let go within a second; the grace only matters when the watcher is slow to answer.
  const result = await stopFollowing(sha, Math.max(1, options.grace) * 1000, stopDeps);
  const short = shortSha(sha);
  if (result.status === 'not-confirmed')
    throw new InternalError(msg.stopNotConfirmed(short, result.pid, options.grace));
  if (deps.globals.json) deps.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!deps.globals.quiet)
    deps.stdout.write(
      `${result.status === 'stopped' ? (result.waiting ? msg.stoppedBeforeTaken(short) : msg.stoppedFollowing(short, result.pid)) : msg.stopNothing(short)}\n`,
    );
  return EXIT.success;
}

/** The same counts as the JSON: every commit recorded stopped, and how many no watcher had taken yet. */
function stopAllText(result: Exclude<StopAllResult, { status: 'survived' }>): string {
  if (result.status === 'stopped')
    return msg.stopped(result.pid, result.signal, result.stopped.length, result.waiting.length);
  return result.stopped.length > 0 ? msg.stoppedWaiting(result.stopped.length, result.waiting.length) : msg.NO_WATCHER;
}

export async function runManageCleanup(deps: Deps): Promise<number> {
  const removed = await deps.store().removeStale(deps.now());
  if (deps.globals.json) deps.stdout.write(`${JSON.stringify({ removed })}\n`);
  else if (removed.length > 0 || deps.globals.verbose) {
    deps.stdout.write(
      `${[...removed.map((f) => `removed ${f}`), msg.removedCount(removed.length, false)].join('\n')}\n`,
    );
  }
  return EXIT.success;
}

/** Team mode: which machine polls for the team, and how fresh its lease is. */
function pollerLine(poller: PollerInfo, now: number): string {
  // The database's clock says how old the heartbeat is: this machine's may be off.
  const renewed =
    poller.heartbeatAgeMs !== undefined
      ? `${duration(poller.heartbeatAgeMs)} ago`
      : poller.heartbeatAt
        ? ago(poller.heartbeatAt, now)
        : 'never';
  return poller.liveness === 'alive'
    ? msg.teamPollerLine(poller.host ?? '?', poller.pid, poller.epoch ?? 0, renewed)
    : msg.teamPollerGone(poller.host ?? '?', poller.pid, renewed);
}
