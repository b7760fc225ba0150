// Housekeeping of the file store's runs/ folder: age-based cleanup (only our own run files, never a commit
// the live watcher follows, never through a symlink, never outside runs/) and what older versions left.
import { lstatSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../kernel/errors.js';
import { ownFolder } from '../../kernel/fs/noFollow.js';
import { liveness, readPidFile, removeFile } from '../../kernel/fs/pidFile.js';
import type { CleanupResult } from '../statusStore.js';

/** Run files, including the per-commit PID files and locks of versions before the one watcher. */
const RUN_FILE = /^([0-9a-f]{40})\.(json|log|pid|lock)$/;
const TEMP_FILE = /^\.([0-9a-f]{40})\.(json|log|pid)\.\d+\.\d+\.tmp$/;

export async function cleanupOlderThan(
  dir: string,
  maxAgeMs: number,
  nowMs: number,
  dryRun: boolean,
  isFollowed: (sha: string) => Promise<boolean>,
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], keptLive: [], skipped: [] };
  // A commit's files go together: only when the newest of them is older than the limit.
  const candidates: Array<{ path: string; sha: string; isDir: boolean; mtimeMs: number; temp: boolean }> = [];
  const newest = new Map<string, number>();
  for (const name of listNames(dir).sort()) {
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
  const live = new Map<string, boolean>();
  for (const c of candidates) {
    const age = nowMs - (c.temp ? c.mtimeMs : newest.get(c.sha)!);
    if (age < maxAgeMs) continue;
    if (!live.has(c.sha)) live.set(c.sha, (await isFollowed(c.sha)) || legacyMonitorAlive(dir, c.sha));
    if (live.get(c.sha)) {
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

/** PID files and locks of per-commit monitors (versions before the one watcher) whose process is gone. */
export function removeLegacyMonitorFiles(dir: string): string[] {
  const removed: string[] = [];
  for (const name of listNames(dir)) {
    const match = /^([0-9a-f]{40})\.pid$/.exec(name);
    if (!match || legacyMonitorAlive(dir, match[1]!)) continue;
    const pid = join(dir, name);
    const lock = join(dir, `${match[1]}.lock`);
    if (removeFile(pid)) removed.push(pid);
    try {
      if (lstatSync(lock).isDirectory()) {
        rmSync(lock, { recursive: true, force: true });
        removed.push(lock);
      }
    } catch {
      /* no lock beside the PID file (or gone meanwhile): nothing more to remove */
    }
  }
  return removed;
}

function legacyMonitorAlive(dir: string, sha: string): boolean {
  const info = readPidFile(join(dir, `${sha}.pid`));
  return info !== null && liveness(info) === 'alive';
}

/** The folder's names; LinkRefused when runs/ is a link, so nothing in the folder it points to is touched. */
function listNames(dir: string): string[] {
  try {
    if (!ownFolder(dir)) return [];
    return readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}
