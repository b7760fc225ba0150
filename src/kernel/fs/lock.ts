// Locks as proper-lockfile makes them (a mkdir'd folder): the one watcher's and the hand-over turns.
// Every caller uses the same stale/update values, as proper-lockfile requires.
import { rmSync, statSync } from 'node:fs';
import { isErrno } from '../errors.js';

export const LOCK_STALE_MS = 10_000;
export const LOCK_UPDATE_MS = 2_000;

type LockFile = typeof import('proper-lockfile');
let loading: Promise<LockFile> | null = null;
/**
 * Loaded on first use: `check` and the pre-push hook build a store that can take locks but seldom does, and
 * importing proper-lockfile (with graceful-fs and signal-exit) costs them ~40 ms.
 */
function lockfile(): Promise<LockFile> {
  loading ??= import('proper-lockfile').then((m) => (m as LockFile & { default?: LockFile }).default ?? m);
  return loading;
}

export type LockAttempt = { acquired: true; release: () => Promise<void> } | { acquired: false };

/**
 * Tries once to take the lock at `lockPath` for `target` (which need not exist).
 * `onCompromised` is called instead of proper-lockfile's default (which throws from a timer).
 */
export async function tryLock(
  target: string,
  lockPath: string,
  onCompromised: (error: Error) => void = () => {},
): Promise<LockAttempt> {
  try {
    const release = await (await lockfile()).lock(target, {
      lockfilePath: lockPath,
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: 0,
      onCompromised,
    });
    return {
      acquired: true,
      release: async () => {
        try {
          await release();
        } catch {
          /* already released or compromised: the folder is gone or someone else's */
        }
      },
    };
  } catch (error) {
    if (isErrno(error, 'ELOCKED')) return { acquired: false };
    throw error;
  }
}

export function lockExists(lockPath: string): boolean {
  try {
    return statSync(lockPath).isDirectory();
  } catch {
    return false; // nothing there (or not ours to stat): no lock to honour
  }
}

/** Removes a lock whose owner is known to be dead, without waiting for it to go stale. */
export function removeLock(lockPath: string): boolean {
  if (!lockExists(lockPath)) return false;
  rmSync(lockPath, { recursive: true, force: true });
  return true;
}
