// The one watcher of a state folder: its claim (a proper-lockfile lock), its registration (the PID file),
// the marker of a start under way, the turn locks of those handing a commit over, the settings key, the
// reason left for a signal, and the clean-up of what a dead watcher left.
import { nodeCrypto } from '../../kernel/lazyBuiltins.js';
import { closeSync, existsSync, linkSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../kernel/errors.js';
import { writeFileAtomic } from '../../kernel/fs/atomicWrite.js';
import { LOCK_UPDATE_MS, lockExists, removeLock, tryLock } from '../../kernel/fs/lock.js';
import { isPidLive, liveness, readPidFile, removeFile, writePidFile } from '../../kernel/fs/pidFile.js';
import type { WatcherClaim, WatcherInfo } from '../statusStore.js';
import { removeLegacyMonitorFiles } from './fileCleanup.js';
import { type Cause, dropLastWords, lastWordsPath, sayLastWords, setAsideLastWords } from './lastWords.js';
import { runsDir } from './stateDir.js';
import { mtimeOf, readNoFollow, type StateFolder } from './stateFolder.js';

/** A lock not refreshed for this long, with its owner dead, is taken over at once (proper-lockfile refreshes every 2 s). */
const DEAD_LOCK_AGE_MS = LOCK_UPDATE_MS * 2;
/** How long a new watcher waits for a retiring or just-killed one to let go of the lock. */
const CLAIM_WAIT_MS = 12_000;
/** How long a watcher start is taken to be under way (a Node start plus the claim, with room for a busy machine). */
const STARTING_FRESH_MS = 10_000;

/** The registered watcher, as its PID file says, and whether it still runs. */
export async function registeredWatcher(folder: StateFolder): Promise<WatcherInfo | null> {
  const info = readPidFile(folder.watcher.pid);
  if (!info) return null;
  return { pid: info.pid, startedAt: info.startedAt, liveness: liveness(info) };
}

/** The PID of the registered watcher while it runs, else null. */
export function liveWatcherPid(folder: StateFolder): number | null {
  const holder = readPidFile(folder.watcher.pid);
  return holder && liveness(holder) === 'alive' ? holder.pid : null;
}

export async function claimWatcher(
  folder: StateFolder,
  pid: number,
  startedAt: string,
  onLost: () => void,
): Promise<WatcherClaim | null> {
  folder.ensure();
  const { clock } = folder;
  const paths = folder.watcher;
  const deadline = clock.now() + CLAIM_WAIT_MS;
  for (;;) {
    const words = lastWordsPath(folder.dir, pid);
    let said = false; // then the words outlive the watcher, for check to read
    const say = (cause: Omit<Cause, 'at'>) => {
      said = sayLastWords(words, { ...cause, at: new Date(clock.now()).toISOString() }) || said;
    };
    // proper-lockfile notices within its 2 s refresh when the lock folder was replaced under it: the
    // watcher leaves, saying who holds the lock now, so that `check` does not call it killed.
    const lock = await tryLock(paths.lock, paths.lock, () => {
      const holder = readPidFile(paths.pid)?.pid ?? null;
      say({ code: 'lock-lost', sha: null, holder: holder === pid ? null : holder });
      onLost();
    });
    if (lock.acquired) {
      const register = () => writePidFile(paths.pid, { pid, startedAt });
      const unregister = () => {
        if (readPidFile(paths.pid)?.pid === pid) removeFile(paths.pid);
      };
      register();
      removeFile(paths.starting);
      try {
        setAsideLastWords(words);
      } catch {
        /* a folder that takes no file now: check diagnoses it (writeProblem) */
      }
      return {
        retire: async () => unregister(),
        reinstate: async () => void register(),
        release: async () => {
          unregister();
          if (!said) dropLastWords(words);
          // A stop's reason that this run did not read (a team poller handing off, a signal while retiring)
          // must not reach a later process that gets the same PID.
          takeSignalReason(signalReasonPath(folder.dir, pid));
          await lock.release();
        },
        say,
        signalReason: () => takeSignalReason(signalReasonPath(folder.dir, pid)),
      };
    }
    const holder = readPidFile(paths.pid);
    if (holder && liveness(holder) === 'alive') {
      removeFile(paths.starting); // the start it marked is not needed: a watcher runs
      return null;
    }
    // The holder died (or is retiring): its lock stops being refreshed, and then it is ours to take.
    if (holder && clock.now() - mtimeOf(paths.lock) > DEAD_LOCK_AGE_MS) {
      removeLock(paths.lock);
      removeFile(paths.pid);
      continue;
    }
    if (clock.now() >= deadline) return null;
    await clock.sleep(100);
  }
}

export async function beginWatcherStart(folder: StateFolder): Promise<boolean> {
  folder.ensure();
  const starting = folder.watcher.starting;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(starting, 'wx', 0o644));
      return true;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw folder.unusable(error);
    }
    // A start that never claimed (node gone, a crash) must not block the next one for long.
    if (folder.clock.now() - mtimeOf(starting) < STARTING_FRESH_MS) return false;
    removeFile(starting);
  }
  return false;
}

export async function handOverTurn(
  folder: StateFolder,
  sha: string,
  waitMs: number,
): Promise<{ release(): Promise<void> } | null> {
  folder.ensure();
  const path = join(folder.watcher.turns, `${sha}.lock`);
  const deadline = folder.clock.now() + waitMs;
  for (;;) {
    const lock = await tryLock(path, path);
    if (lock.acquired) return lock;
    if (folder.clock.now() >= deadline) return null;
    await folder.clock.sleep(50);
  }
}

export function settingsKey(folder: StateFolder): Buffer {
  folder.ensure();
  const file = folder.watcher.settingsKey;
  for (;;) {
    try {
      return Buffer.from(readNoFollow(file).trim(), 'hex');
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw folder.unusable(error);
    }
    // Made once, whole (written aside, then linked in: two at once agree on the first), for this user only.
    const aside = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(aside, nodeCrypto().randomBytes(32).toString('hex'), { mode: 0o600 });
      linkSync(aside, file);
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw folder.unusable(error);
    } finally {
      removeFile(aside);
    }
  }
}

export function explainSignal(folder: StateFolder, pid: number, reason: string): void {
  folder.ensure();
  writeFileAtomic(signalReasonPath(folder.dir, pid), reason, 0o644);
}

export async function removeStale(folder: StateFolder, nowMs: number): Promise<string[]> {
  const paths = folder.watcher;
  const removed = removeLegacyMonitorFiles(runsDir(folder.dir));
  const holder = readPidFile(paths.pid);
  const alive = holder !== null && liveness(holder) === 'alive';
  if (!alive) {
    if (holder && removeFile(paths.pid)) removed.push(paths.pid);
    // Without a registered watcher a lock is stale once it stops being refreshed (a starting one refreshes it).
    if (lockExists(paths.lock) && (holder || nowMs - mtimeOf(paths.lock) > DEAD_LOCK_AGE_MS * 3))
      if (removeLock(paths.lock)) removed.push(paths.lock);
    if (existsSync(paths.starting) && nowMs - mtimeOf(paths.starting) > STARTING_FRESH_MS)
      if (removeFile(paths.starting)) removed.push(paths.starting);
  }
  // Last words of watchers that are gone (blank ones of killed watchers, said ones the user has seen), and
  // reasons left for a signal that a watcher killed outright never read.
  for (const name of folder.names(join(folder.dir, 'watcher'))) {
    const pid = Number(/^(?:last-words|signal-reason)\.(\d+)$/.exec(name)?.[1]);
    const words = join(folder.dir, 'watcher', name);
    if (pid > 0 && !isPidLive(pid) && removeFile(words)) removed.push(words);
  }
  // Turns of askers that were killed while handing a commit over (a live turn is refreshed every 2 s).
  for (const name of folder.names(paths.turns)) {
    const turn = join(paths.turns, name);
    if (/^[0-9a-f]{40}\.lock$/.test(name) && nowMs - mtimeOf(turn) > DEAD_LOCK_AGE_MS * 3 && removeLock(turn))
      removed.push(turn);
  }
  return removed;
}

function signalReasonPath(stateDir: string, pid: number): string {
  return join(stateDir, 'watcher', `signal-reason.${pid}`);
}

/** The reason left for this watcher's signal, removed as it is read (a later process with the PID must not find it). */
function takeSignalReason(path: string): string | null {
  try {
    const reason = readNoFollow(path).trim();
    removeFile(path);
    return reason || null;
  } catch {
    return null; // none left: a signal from someone else (kill, a terminal closing)
  }
}
