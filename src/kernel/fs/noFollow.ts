// The state folder's own files and folders are never reached through a symbolic link: a planted link
// would make the log append to, or cleanup delete in, a folder that is not ours.
import { constants, lstatSync, openSync, readlinkSync } from 'node:fs';
import { isErrno, InternalError } from '../errors.js';
import * as msg from '../messages.js';

/** A link (or something other than a folder) where the state folder expects its own file or folder. */
export class LinkRefused extends InternalError {
  constructor(readonly path: string) {
    super(msg.linkRefused(path, linkTarget(path)));
  }
}

/** Opens `file` to append, created 0644, refusing a symlink at its name (O_NOFOLLOW). */
export function openAppendNoFollow(file: string): number {
  try {
    return openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if (isErrno(error, 'ELOOP')) throw new LinkRefused(file);
    throw error;
  }
}

/** Whether `dir` is a real folder (false: it does not exist); throws LinkRefused for a link or a file. */
export function ownFolder(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink() || !stat.isDirectory()) throw new LinkRefused(dir);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function linkTarget(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null; // not a link: something else stands there
  }
}
