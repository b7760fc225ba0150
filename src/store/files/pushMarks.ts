// A commit whose push is still under way: the pre-push hook marks it with the PID of the post-push step it
// started, which waits for git to exit before it hands the commit over. `check` in that window says a
// monitor is on its way (exit 2), not "no monitor has watched" (exit 3). One file per commit under
// <state>/pushing/, holding the PID and its start time (so a reused PID is not taken for the step), written
// by the hook's Node path and by its shell path alike (`read` and a `printf` redirect: no process); the step
// writes it itself when it finds none (a hook script from before the marks). The step removes it once the
// commit is handed over (or the push was rejected); `cleanup` removes the marks of processes that are gone.
// It replaces reading every process's command line in /proc, which cost check ~3 ms on a quiet machine
// (more with hundreds of processes) and never saw the shell path's step, a forked `sh` until git exits.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeQuietly } from '../../kernel/fs/atomicWrite.js';
import { liveness, processStartTime } from '../../kernel/fs/pidFile.js';

export const PUSHING_DIR = 'pushing';
/** The step waits for git at most 10 minutes (WAIT_THEN_EXEC), then for the push's verdict: older is left behind. */
const MARK_LIFETIME_MS = 30 * 60_000;

const markPath = (stateDir: string, sha: string) => join(stateDir, PUSHING_DIR, sha);

/**
 * Best effort: a mark that cannot be written costs only check's "on its way" in the push's seconds. Renamed
 * into place, never half read, and not fsynced: the hook waits on no disk, and a mark means nothing after a
 * crash. `onlyIfMissing`: the step's own, which leaves the hook's alone.
 */
export function markPushing(stateDir: string, sha: string, pid: number, onlyIfMissing = false): boolean {
  const path = markPath(stateDir, sha);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    if (onlyIfMissing && existsSync(path)) return true;
    // One level at a time, as the shell's `mkdir -p` does: Node's recursive mkdir never returns under /proc/sys.
    for (const dir of [stateDir, join(stateDir, PUSHING_DIR)]) if (!existsSync(dir)) mkdirSync(dir);
    writeFileSync(temporary, `${pid} ${processStartTime(pid) ?? ''}\n`);
    renameSync(temporary, path);
    return true;
  } catch {
    removeQuietly(temporary);
    return false;
  }
}

/** The PID of the live post-push step of a push of `sha` still under way; null when there is none. */
export function pushingStep(stateDir: string, sha: string, now: number): number | null {
  const path = markPath(stateDir, sha);
  try {
    if (now - statSync(path).mtimeMs > MARK_LIFETIME_MS) return null;
    const mark = parseMark(readFileSync(path, 'utf8'));
    if (!mark) return null;
    return liveness({ ...mark, startedAt: '' }) === 'alive' ? mark.pid : null;
  } catch {
    return null; // no mark (the common case), or one cut short by its writer
  }
}

/** "<pid> <start time>\n"; the start time may hold spaces (ps's, where there is no /proc) or be empty. */
export function parseMark(text: string): { pid: number; startTime: string | null } | null {
  const line = text.trim();
  const space = line.indexOf(' ');
  const pid = Number(space < 0 ? line : line.slice(0, space));
  if (!Number.isInteger(pid) || pid <= 1) return null;
  return { pid, startTime: (space < 0 ? '' : line.slice(space + 1).trim()) || null };
}

/** Never throws: the step that clears its mark has its own outcome to report, whatever the folder is. */
export function clearPushMark(stateDir: string, sha: string): void {
  removeQuietly(markPath(stateDir, sha));
}

/** Removes the marks whose step is gone; returns their paths. */
export function removeStalePushMarks(stateDir: string, now: number): string[] {
  let names: string[];
  try {
    names = readdirSync(join(stateDir, PUSHING_DIR));
  } catch {
    return []; // no push has been marked here
  }
  const removed = names.filter((name) => pushingStep(stateDir, name, now) === null);
  for (const name of removed) clearPushMark(stateDir, name);
  return removed.map((name) => markPath(stateDir, name));
}
