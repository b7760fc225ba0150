// A watcher's last words: why it could not go on recording (a full disk, a read-only file system, its lock
// taken), where `check` finds them after the watcher is gone. The file is set aside at the watcher's start
// and later overwritten in place, never grown, so that it can still be written on a full disk.
import { accessSync, closeSync, constants, openSync, readFileSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../kernel/fs/atomicWrite.js';
import { isErrno } from '../../kernel/errors.js';
import { removeFile } from '../../kernel/fs/pidFile.js';

const SIZE = 1024;

export interface Cause {
  /** ENOSPC, EDQUOT, EROFS, EACCES, EIO… for a write that failed; 'lock-lost' when another process took the lock. */
  code: string;
  /** The commit whose record could not be written, when one. */
  sha: string | null;
  /** Lock lost: the process that holds the lock now, when known. */
  holder: number | null;
  at: string;
  /** Where (added by check: the store's location). */
  dir?: string;
}

export function lastWordsPath(stateDir: string, pid: number): string {
  return join(stateDir, 'watcher', `last-words.${pid}`);
}

/** At the watcher's start: the space its last words will need. */
export function setAsideLastWords(path: string): void {
  writeFileAtomic(path, `${' '.repeat(SIZE - 1)}\n`);
}

/** Overwrites the set-aside file in place; false when even that cannot be written (a read-only file system). */
export function sayLastWords(path: string, cause: Cause): boolean {
  const text = JSON.stringify(cause).slice(0, SIZE - 1);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  } catch {
    return false; // never set aside, or a planted link: the caller learns the words were not said
  }
  try {
    writeSync(fd, text.padEnd(SIZE - 1, ' '), 0);
    return true;
  } catch {
    return false; // the disk refused even the set-aside space: the caller learns the words were not said
  } finally {
    closeSync(fd);
  }
}

export function readLastWords(path: string): Cause | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Cause>;
    if (typeof value.code !== 'string') return null;
    return {
      code: value.code,
      sha: typeof value.sha === 'string' ? value.sha : null,
      holder: typeof value.holder === 'number' ? value.holder : null,
      at: typeof value.at === 'string' ? value.at : '',
    };
  } catch {
    return null; // none, or set aside and never said (blank)
  }
}

/** A watcher that leaves normally has nothing to say. */
export function dropLastWords(path: string): void {
  try {
    removeFile(path);
  } catch {
    /* a read-only folder: the blank file says nothing */
  }
}

/**
 * Why the folder cannot take a record now, found without the watcher: a read-only file system (which stops
 * root too), or no space or inodes left; null when it looks writable.
 */
export function writeProblem(dir: string, at: string): Cause | null {
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    // Not EACCES: a user asking about another user's watcher may not write here, and the watcher may.
    return isErrno(error, 'EROFS') ? { code: 'EROFS', sha: null, holder: null, at } : null;
  }
  try {
    const fs = statfsSync(dir);
    if (fs.bavail === 0 || fs.ffree === 0) return { code: 'ENOSPC', sha: null, holder: null, at };
  } catch {
    /* no statfs here: no guess */
  }
  return null;
}

/** The errno of an error that stopped a record from being written, when it has one. */
export function errnoOf(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : null;
}
