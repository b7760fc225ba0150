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

export function cleanupOlderThan(
  stateDir: string,
  store: StatusStore,
  maxAgeMs: number,
  nowMs: number,
  dryRun: boolean,
): CleanupResult {
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
  // A commit's files go together: only when the newest of them is older than the limit.
  const candidates: Array<{ path: string; sha: string; isDir: boolean; mtimeMs: number; temp: boolean }> = [];
  const newest = new Map<string, number>();
  for (const name of names.sort()) {
    const path = join(dir, name);
    const run = RUN_FILE.exec(name);
    const match = run ?? TEMP_FILE.exec(name);
    let stat: ReturnType<typeof lstatSync>;
    try {
      stat = lstatSync(path);
    } catch {
      continue; // removed meanwhile
    }
    const isLockDir = match?.[2] === 'lock' && stat.isDirectory() && !stat.isSymbolicLink();
    if (!match || stat.isSymbolicLink() || (!stat.isFile() && !isLockDir)) {
      result.skipped.push(path);
      continue;
    }
    const sha = match[1]!;
    candidates.push({ path, sha, isDir: isLockDir, mtimeMs: stat.mtimeMs, temp: !run });
    if (run) newest.set(sha, Math.max(newest.get(sha) ?? 0, stat.mtimeMs));
  }
  for (const c of candidates) {
    const age = nowMs - (c.temp ? c.mtimeMs : newest.get(c.sha)!);
    if (age < maxAgeMs) continue;
    if (isLive(c.sha)) {
      result.keptLive.push(c.path);
      continue;
    }
    if (!dryRun) {
      if (c.isDir) rmSync(c.path, { recursive: true, force: true });
      else unlinkSync(c.path);
    }
    result.removed.push(c.path);
  }
  return result;
}
