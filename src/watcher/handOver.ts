// Handing a commit to the watcher: the hooks' post-push step, `check --wait` and `monitor` all come here.
// Askers take turns per commit, so twenty of them hand it over once; the one whose turn it is puts the
// commit in the watcher's inbox, starts the watcher when none runs (its lock keeps it to one), and holds
// the turn until the record names the watcher, so the next asker sees "in progress", not "nobody".
import type { Deps } from '../deps.js';
import * as msg from '../kernel/messages.js';
import { evaluate, type Evaluation, writtenBy } from '../store/outcome.js';
import { type SettingsPrint, settingsPrint } from '../kernel/config/settingsPrint.js';
import { recordStartFailure, toolLog } from './startFailure.js';
import { toolLogPath } from '../store/files/stateDir.js';

export const TURN_WAIT_MS = 30_000;
export const STARTUP_WAIT_MS = 15_000;
const POLL_MS = 50;

type Needs = Pick<Deps, 'store' | 'stateDir' | 'now' | 'sleep' | 'spawnDetached' | 'logger' | 'config'>;

export interface HandOverRequest {
  sha: string;
  branch: string;
  remote: string;
}

export type HandOverResult =
  /** The watcher follows the commit (`already`: it did before this call). */
  | { status: 'following'; pid: number; already: boolean }
  /** Not handed over: the commit has an answer and `force` was not given. */
  | { status: 'answered'; evaluation: Evaluation }
  /** No watcher took it in time (recorded as a start failure) or the turn never came. */
  | { status: 'not-started' };

/** True when nobody follows the commit and no outcome is known (none yet, or its watcher died). */
export function nobodyWatches(evaluation: Evaluation): boolean {
  return evaluation.unknown === 'no-record' || evaluation.unknown === 'stale';
}

/**
 * Hands the commit to the watcher unless it is followed already or (without `force`) has an answer.
 * `force` follows a commit again whatever its record says (`deploy-watch monitor <sha>`).
 */
export async function handOver(
  deps: Needs,
  req: HandOverRequest,
  opts: { force?: boolean } = {},
): Promise<HandOverResult> {
  const store = deps.store();
  const turn = await store.handOverTurn(req.sha, TURN_WAIT_MS);
  if (!turn) return { status: 'not-started' }; // someone is handing it over and taking long: theirs stands
  try {
    const before = await evaluate(store, req.sha);
    if (before.outcome === 'in_progress') return { status: 'following', pid: before.monitorPid!, already: true };
    if (!opts.force && !nobodyWatches(before)) return { status: 'answered', evaluation: before };
    const requestedAt = deps.now();
    const settings = await askerSettings(deps);
    await store.requestFollow({
      ...req,
      requestedAt: new Date(requestedAt).toISOString(),
      ...(settings && { settings }),
    });
    const seenBy = deps.now() + STARTUP_WAIT_MS;
    for (;;) {
      const pending = await store.isFollowRequested(req.sha);
      // Checked on every look, not once: the watcher seen a moment ago may be leaving (a signal, a crash).
      if (pending && (await store.watcher())?.liveness !== 'alive' && (await store.beginWatcherStart()))
        deps.spawnDetached(['watcher']);
      const taken = await takenBy(deps, req.sha);
      if (taken !== null) return { status: 'following', pid: taken, already: false };
      // A team's inbox is read by whoever holds the lease (maybe a holder that died, until its lease runs out):
      // with this machine's watcher standing by to take over, the commit is in safe hands.
      const standby = pending ? await teamStandby(deps) : null;
      if (standby !== null) return { status: 'following', pid: standby, already: false };
      if (!pending) {
        // Taken and already ended, stopped (`manage stop`) before or after it was taken, or a watcher that
        // could not start recorded why (config, sources).
        const after = await evaluate(store, req.sha);
        return after.outcome === 'success' || after.outcome === 'failed' || stoppedSince(after, requestedAt)
          ? { status: 'answered', evaluation: after }
          : { status: 'not-started' };
      }
      if (deps.now() >= seenBy) break;
      await deps.sleep(POLL_MS);
    }
    // No watcher took it: the start failed where nothing could record it (node gone, a crash).
    await store.dropFollowRequest(req.sha);
    const reason = msg.monitorNeverAppeared(STARTUP_WAIT_MS / 1000, toolLogPath(deps.stateDir()));
    await recordStartFailure(store, { ...req, reason }, deps.now(), await toolLog(deps));
    return { status: 'not-started' };
  } finally {
    await turn.release();
  }
}

/**
 * The settings this commit is to be judged by: this process's config and environment (a lingering watcher
 * started with others makes way for one started from here). None on a team store, or when the config cannot
 * be read (the watcher then says why on the record).
 */
async function askerSettings(deps: Needs): Promise<SettingsPrint | null> {
  const store = deps.store();
  if (!store.settingsKey) return null;
  try {
    return settingsPrint(await deps.config(), store.settingsKey());
  } catch {
    // an unreadable config has no fingerprint: the hand-over goes on, and the watcher reports the config
    return null;
  }
}

/** A `stopped` record written since the hand-over (a person's stop, not a start failure): the caller's answer. */
function stoppedSince(evaluation: Evaluation, sinceMs: number): boolean {
  const record = evaluation.record;
  return evaluation.unknown === 'stopped' && Date.parse(record?.finishedAt ?? '') >= sinceMs;
}

/** The live poller's PID once the commit's record names it. */
async function takenBy(deps: Needs, sha: string): Promise<number | null> {
  const store = deps.store();
  const poller = await store.poller();
  if (poller?.liveness !== 'alive') return null;
  const read = await store.read(sha);
  return read.status === 'ok' && writtenBy(read.record, poller) ? poller.pid : null;
}

/** On a team store, this machine's live watcher (which takes the lease if its holder goes); else null. */
async function teamStandby(deps: Needs): Promise<number | null> {
  const store = deps.store();
  const poller = await store.poller();
  if (poller === null || poller.host === null) return null;
  const watcher = await store.watcher();
  return watcher?.liveness === 'alive' && poller.liveness === 'alive' ? watcher.pid : null;
}
