// Write-then-rename so that a reader sees the old file or the new one, never a torn one.
import { closeSync, fsyncSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as msg from '../messages.js';

let counter = 0;

/** fs.writeSync's shape for a buffer: how many bytes of `buffer[offset, offset+length)` went out. */
export type WriteFn = (fd: number, buffer: Uint8Array, offset: number, length: number) => number;

/**
 * `mtime` (seconds), when given, is the file's from its first appearance under `path`. `write` is for tests
 * (a disk that takes fewer bytes than asked).
 */
export function writeFileAtomic(
  path: string,
  data: string,
  mode = 0o644,
  mtime?: number,
  write: WriteFn = writeSync,
): void {
  // Temp name is unique per process and call, and starts with '.' so listings skip it.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  // 'wx': never write through a file or symlink someone planted at the temp name.
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeAll(fd, Buffer.from(data, 'utf8'), path, write);
    if (mtime !== undefined) futimesSync(fd, mtime, mtime);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(tmp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    removeQuietly(tmp);
    throw error;
  }
  fsyncDir(dirname(path));
}

/**
 * A write may take fewer bytes than asked (a nearly full disk): go on from where it stopped, and call a write
 * that takes nothing a full disk, so the caller keeps the previous file rather than renaming a cut one over it.
 */
function writeAll(fd: number, bytes: Buffer, path: string, write: WriteFn): void {
  let done = 0;
  while (done < bytes.length) {
    let wrote: number;
    try {
      wrote = write(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw diskFull(path, done, bytes.length);
      throw error;
    }
    if (wrote <= 0) throw diskFull(path, done, bytes.length);
    done += wrote;
  }
}

function diskFull(path: string, wrote: number, of: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(msg.shortWrite(path, wrote, of));
  error.code = 'ENOSPC';
  return error;
}

/**
 * Removes a file that may already be gone, or whose folder cannot be reached (a state folder that is a
 * file: ENOTDIR), and never throws: cleanup on an error path must not hide the error that got us there.
 */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone, or nowhere we can reach */
  }
}

function fsyncDir(dir: string): void {
  // Makes the rename itself durable; some filesystems refuse fsync on a folder, which is harmless.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some filesystems refuse fsync on a folder: the rename is done, only its durability is not promised */
  }
}
