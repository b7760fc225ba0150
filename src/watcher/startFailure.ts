// A commit the watcher could not follow leaves a `stopped` record saying why and how to fix it, so `check`
// answers "not watched: <reason>" instead of "nobody asked". Written by whoever tried to start it: the
// monitor command itself (config, sources), the post-push step and `check --wait` (it never appeared).
import type { Deps } from '../deps.js';
import { isFinal, newRecord, type StatusRecord } from '../store/statusRecord.js';
import type { StatusStore } from '../store/statusStore.js';
import { followerOf } from '../store/outcome.js';

export interface StartFailure {
  sha: string;
  branch: string | null;
  remote: string | null;
  /** What went wrong and the fix, as the user reads it. */
  reason: string;
}

/**
 * Records the failure unless the commit has a real outcome or a live monitor: those stand. Best effort:
 * resolves to false when nothing was written (the state folder may be the very problem).
 */
export async function recordStartFailure(
  store: StatusStore,
  failure: StartFailure,
  nowMs: number,
  log?: (message: string, fields: Record<string, unknown>) => void,
): Promise<boolean> {
  try {
    const read = await store.read(failure.sha);
    if (read.status === 'ok' && isFinal(read.record.state) && !read.record.startFailed) return false;
    if ((await followerOf(store, failure.sha, read.status === 'ok' ? read.record : null)) !== null) return false;
    const iso = new Date(nowMs).toISOString();
    const record: StatusRecord = {
      ...newRecord({ sha: failure.sha, branch: failure.branch, remote: failure.remote }, iso),
      state: 'stopped',
      finishedAt: iso,
      message: failure.reason,
      startFailed: failure.reason,
    };
    await store.write(record);
    log?.('monitor could not start', { sha: failure.sha, reason: failure.reason });
    return true;
  } catch {
    // best effort: the caller still reports the failure itself; false says nothing was recorded
    return false;
  }
}

/** The tool log as a plain function, or nothing when it cannot be opened (the state folder may be the problem). */
export async function toolLog(
  deps: Pick<Deps, 'logger'>,
): Promise<((message: string, fields: Record<string, unknown>) => void) | undefined> {
  try {
    const logger = await deps.logger();
    return (message, fields) => logger.warn(fields, message);
  } catch {
    // no log to write to (unwritable, a planted link): the failure is still recorded, only not logged
    return undefined;
  }
}
