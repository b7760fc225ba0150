// Age-based cleanup of the state folder: only our own run files, never a live monitor's,
// never through a symlink, never outside runs/.
import { lstatSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from './errors.js';
import { liveness, readPidFile } from './pidFile.js';
import { runsDir } from './stateDir.js';
import type { StatusStore } from './statusStore.js';

const RUN_FILE = /^([0-9a-f]{40})\.(json|log|pid|lock)$/;
const TEMP_FILE = /^\.([0-9a-f]{40})\.(json|log|pid)\.\d+\.\d+\.tmp$/;

export interface CleanupResult {
  removed: string[];
  /** Files kept because their monitor is alive. */
  keptLive: string[];
  /** Entries left alone because they are not ours (symlinks, unknown names). */
  skipped: string[];
}

export function cleanupOlderThan(stateDir: string, store: StatusStore, maxAgeMs: number, nowMs: number, dryRun: boolean): CleanupResult {
  const result: CleanupResult = { removed: [], keptLive: [], skipped: [] };
  const dir = runsDir(stateDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return result;
    throw error;
  }
  const liveCache = new Map<string, boolean>();
  const isLive = (sha: string) => {
    if (!liveCache.has(sha)) {
      const info = readPidFile(store.paths(sha).pid);
      liveCache.set(sha, info !== null && liveness(info) === 'alive');
    }
    return liveCache.get(sha)!;
  };
  for (const name of names.sort()) {
    const path = join(dir, name);
    const match = RUN_FILE.exec(name) ?? TEMP_FILE.exec(name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // removed meanwhile
    }
    if (!match || stat.isSymbolicLink()) {
      result.skipped.push(path);
      continue;
    }
    const isLockDir = match[2] === 'lock' && stat.isDirectory();
    if (!stat.isFile() && !isLockDir) {
      result.skipped.push(path);
      continue;
    }
    if (nowMs - stat.mtimeMs < maxAgeMs) continue;
    if (isLive(match[1]!)) {
      result.keptLive.push(path);
      continue;
    }
    if (!dryRun) {
      if (isLockDir) rmSync(path, { recursive: true, force: true });
      else unlinkSync(path);
    }
    result.removed.push(path);
  }
  return result;
}
