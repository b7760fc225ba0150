// What every part of the file store needs of its state folder: making its folders (never through a planted
// link), listing one, reading a file without following a link, and errors that name the folder and the fix.
import { closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InternalError, isErrno } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';
import { ownFolder } from '../../kernel/fs/noFollow.js';
import { runsDir, watcherPaths, type WatcherPaths } from './stateDir.js';

export type StoreClock = { now(): number; sleep(ms: number): Promise<void> };

export class StateFolder {
  /** The watcher's files: its PID file and lock, its inboxes, the hand-over turns. */
  readonly watcher: WatcherPaths;

  constructor(
    readonly dir: string,
    readonly clock: StoreClock,
  ) {
    this.watcher = watcherPaths(dir);
  }

  /** Creates the state folders (0755) on first write. */
  ensure(): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o755 });
      // One level at a time: a recursive mkdir reports a read-only disk as ENOENT, and the fix named
      // depends on the cause. mkdir is content with a link to a folder: refuse one, or records would be
      // written where it points.
      const { follow, stop, turns } = this.watcher;
      for (const dir of [runsDir(this.dir), dirname(follow), follow, stop, turns]) {
        makeFolder(dir);
        ownFolder(dir);
      }
    } catch (error) {
      throw this.unusable(error);
    }
  }

  /** The names in one of the state's folders; none when it does not exist (or is a planted link). */
  names(dir: string): string[] {
    try {
      if (!ownFolder(dir)) return [];
      return readdirSync(dir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw this.unusable(error);
    }
  }

  /** A file system error as the user's problem with the state folder, naming it. */
  unusable(error: unknown): Error {
    if (isErrno(error))
      // The errno stays on the error: a watcher that cannot write says why in its last words.
      return Object.assign(new InternalError(msg.stateDirUnusable(this.dir, error.code ?? 'error', error.message)), {
        code: error.code,
      });
    return error as Error;
  }
}

/** Makes one folder (0755); one that exists already, made meanwhile by another process too, is fine. */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  }
}

/** Reads a file, refusing a symlink (O_NOFOLLOW) so a planted link cannot point a reader elsewhere. */
export function readNoFollow(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** When the file last changed; 0 when it is gone (so it reads as stale, and a caller removes or retakes it). */
export function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0; // gone meanwhile (removed by its owner or a cleanup): as old as can be, which is what it is now
  }
}
