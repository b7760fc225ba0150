// Messages of `manage` (status, stop) and `cleanup`.

import { BIN } from './common.js';

export const NO_HISTORY = 'No deployments recorded in this clone yet.';
export const NO_TEAM_HISTORY = 'No deployments recorded by the team yet (team store: DEPLOY_WATCH_STORE_URL).';
export const STATUS_STORE_UNREACHABLE =
  "The team store cannot be reached: this is what this machine's watcher follows offline (uploaded once the store is back).";
export const NO_MONITORS = 'No watcher is running and no commit is in flight.';
export const watcherLine = (pid: number, age: string, memory: string | null, count: number) =>
  `Watcher PID ${pid}, up ${age}${memory ? `, ${memory} resident` : ''}, following ${count} commit${count === 1 ? '' : 's'}.`;
export const watcherGone = (pid: number, how: string) =>
  `The watcher (PID ${pid}) is gone (${how}); commits it followed are stale. The next push, ${BIN} check <sha> --wait or ${BIN} monitor <sha> --detach resumes them.`;
export const stopNothing = (short: string) => `The watcher is not following ${short}; nothing to stop.`;
export const stoppedFollowing = (short: string, pid: number) =>
  `Stopped following ${short}; the watcher (PID ${pid}) goes on with the other commits.`;
export const stopNotConfirmed = (short: string, pid: number, seconds: number) =>
  `The watcher (PID ${pid}) did not stop following ${short} within ${seconds}s. Stop the watcher itself with: ${BIN} manage stop --all.`;
export const stopped = (pid: number, how: 'SIGTERM' | 'SIGKILL', count: number, waiting = 0) =>
  `Stopped the watcher (PID ${pid}, ${how === 'SIGTERM' ? 'ended on SIGTERM' : 'did not end on SIGTERM, killed'}); ${commitsStopped(count, waiting)}.`;
/** `stop --all` with no watcher running, but commits handed over that none had taken yet. */
export const stoppedWaiting = (count: number, waiting: number) =>
  `No watcher was running; ${commitsStopped(count, waiting)}.`;
const commitsStopped = (count: number, waiting: number) =>
  `${count} commit${count === 1 ? '' : 's'} recorded stopped${waiting > 0 ? ` (${waiting} ${waiting === 1 ? 'was' : 'were'} waiting to be handed over)` : ''}`;
export const stoppedBeforeTaken = (short: string) =>
  `Stopped ${short} before the watcher took it: recorded stopped, its hand-over ends there.`;
export const STALE_HINT = `Stale commits: resume them with ${BIN} monitor <sha> --detach (or ${BIN} check <sha> --wait); remove a dead watcher's files with ${BIN} manage cleanup.`;
export const NO_WATCHER = 'No watcher is running; nothing to stop.';
export const stopFailed = (pid: number) =>
  `The watcher (PID ${pid}) is still running after SIGKILL; it may belong to another user. Stop it by hand: kill -9 ${pid}.`;
export const STOP_NEEDS_COMMIT = `Name the commit to stop following (${BIN} manage stop <sha>), or stop the watcher and every commit with ${BIN} manage stop --all.`;
export const STOPPED_BY_USER = 'stopped by deploy-watch manage stop';
export const STOPPED_BY_ALL = 'stopped by deploy-watch manage stop --all';
export const SETTINGS_CHANGED =
  'a commit was handed over with other settings (config or environment): a fresh watcher goes on with this one';

// cleanup
export const removedCount = (count: number, dryRun: boolean) =>
  `${dryRun ? 'Would remove' : 'Removed'} ${count} file${count === 1 ? '' : 's'}.`;
