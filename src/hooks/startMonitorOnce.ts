// One monitor per commit, however many pushes (or `check --wait`s) ask at once. The monitor's own lock
// stops two that overlap, but not one that starts after the first has already finished. So the askers
// take turns on a short-lived lock (runs/<sha>.watch.lock), and the one that starts a monitor holds it
// until that monitor's PID file or final record is there for the next asker to see.
import { mkdirSync } from 'node:fs';
import type { Deps } from '../core/deps.js';
import { tryLock } from '../core/lock.js';
import { evaluate, monitorLiveness } from '../core/outcome.js';
import * as msg from '../core/messages.js';
import { recordStartFailure, toolLog } from '../core/startFailure.js';
import { runsDir, toolLogPath } from '../core/stateDir.js';
import { monitorArgs } from './pushWatcher.js';

export const TURN_WAIT_MS = 30_000;
export const STARTUP_WAIT_MS = 15_000;
const POLL_MS = 50;

type Needs = Pick<Deps, 'store' | 'stateDir' | 'now' | 'sleep' | 'spawnDetached' | 'logger'>;

/** True when no monitor runs for the commit and no outcome is known (none yet, or its monitor died). */
export async function nobodyWatches(deps: Pick<Deps, 'store'>, sha: string): Promise<boolean> {
  const store = deps.store();
  if (monitorLiveness(store, sha).state === 'alive') return false;
  const { unknown } = await evaluate(store, sha);
  return unknown === 'no-record' || unknown === 'stale';
}

/** Starts `monitor <sha> --detach` unless someone watches already; resolves to whether this call started it. */
export async function startMonitorOnce(
  deps: Needs,
  req: { sha: string; branch: string; remote: string },
): Promise<boolean> {
  const lockPath = `${runsDir(deps.stateDir())}/${req.sha}.watch.lock`;
  mkdirSync(runsDir(deps.stateDir()), { recursive: true });
  const turnEnds = deps.now() + TURN_WAIT_MS;
  let lock = await tryLock(lockPath, lockPath);
  while (!lock.acquired) {
    if (deps.now() >= turnEnds) return false; // someone is starting it and taking long: theirs stands
    await deps.sleep(POLL_MS);
    lock = await tryLock(lockPath, lockPath);
  }
  try {
    if (!(await nobodyWatches(deps, req.sha))) return false;
    deps.spawnDetached(monitorArgs(req));
    const seenBy = deps.now() + STARTUP_WAIT_MS;
    while (deps.now() < seenBy && (await nobodyWatches(deps, req.sha))) await deps.sleep(POLL_MS);
    // Neither a PID file nor a record: the start failed where nothing could record it (node gone, a crash).
    if (await nobodyWatches(deps, req.sha)) {
      const reason = msg.monitorNeverAppeared(STARTUP_WAIT_MS / 1000, toolLogPath(deps.stateDir()));
      await recordStartFailure(deps.store(), { ...req, reason }, deps.now(), await toolLog(deps));
    }
    return true;
  } finally {
    await lock.release();
  }
}
