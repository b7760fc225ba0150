// Write-then-rename so that a reader sees the old file or the new one, never a torn one.
import { closeSync, fsyncSync, futimesSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** `mtime` (seconds), when given, is the file's from its first appearance under `path`. */
export function writeFileAtomic(path: string, data: string, mode = 0o644, mtime?: number): void {
  // Temp name is unique per process and call, and starts with '.' so listings skip it.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  // 'wx': never write through a file or symlink someone planted at the temp name.
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, data);
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

/** Cleanup on an error path must not hide the error that got us there. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
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
    /* best effort */
  }
}
