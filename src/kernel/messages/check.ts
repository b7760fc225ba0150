// Messages of `check`: what it says about one commit.

import { BIN, printable, RUN } from './common.js';
import { stoppedHow } from './watcher.js';

export const noRecord = (short: string) =>
  `No deployment record for ${short}: no watcher has followed this commit on this machine. Hand it over with: ${RUN} monitor ${short} --detach (or wait for it: ${RUN} check ${short} --wait 600).`;
export const monitorStarting = (short: string) =>
  `${short} is being handed to the watcher (by the push's post-push step); no record yet. Ask again in a few seconds, or wait for the outcome: ${RUN} check ${short} --wait 600.`;
export const monitorStopped = (short: string, by: string | null | undefined, why: string | null) =>
  `Following ${short} was ${stoppedHow(by)} before the deployment finished${why && !by ? ` (${printable(why, 300)})` : ''}. Resume with: ${BIN} monitor ${short} --detach.`;
/** A stop that resuming would only repeat: the cause and its fix come first, resuming only once it is fixed. */
export const monitorGaveUp = (short: string, cause: string) =>
  `Not watched to the end: ${printable(cause, 600).replace(/\.+$/, '')}. Resuming repeats this until it is fixed; once fixed: ${BIN} monitor ${short} --detach.`;
export const deployed = (short: string, how: string[]) =>
  `Deployed ${short}${how.length ? `: ${how.join(' · ')}` : ''}.`;
/** A failed or running deployment in one line: the state, and what the source said (its own reason). */
export const deploymentState = (short: string, state: string, why: string | null) =>
  `${short} ${state}${why ? `: ${why}` : ''}`;
export const monitorStale = (short: string, pid: number | null) =>
  `The watcher that followed ${short}${pid ? ` (PID ${pid})` : ''} is gone without recording an outcome (it died or was killed). Resume with: ${BIN} monitor ${short} --detach; tidy up with: ${BIN} manage cleanup.`;
export const storeUnreachableFollowing = (short: string, pid: number | null) =>
  `The team store cannot be reached, so this answer is this machine's: its watcher${pid ? ` (PID ${pid})` : ''} follows ${short} offline and uploads what it records once the store is back.`;
export const storeUnreachableAnswer =
  "The team store cannot be reached, so this answer is this machine's own record; the store gets it once it is back.";
export const storeUnreachableUnknown = (short: string) =>
  `The team store cannot be reached and this machine has no live record of ${short} (another machine may follow it). Ask again once the store is back, or wait for it: ${BIN} check ${short} --wait 600.`;
export const watcherFrozen = (short: string, pid: number, stopped: boolean, overdueSeconds: number | null) =>
  `The watcher for ${short} (PID ${pid}) is alive but makes no progress: ${
    stopped
      ? 'it is stopped (process state T: SIGSTOP, Ctrl-Z or a debugger)'
      : `its record is ${overdueSeconds}s past its next poll, longer than a poll takes: it is probably frozen`
  }. Resume it with: kill -CONT ${pid}; or restart it: ${BIN} manage stop ${short}, then ${BIN} monitor ${short} --detach.`;
export const watcherCause = (
  short: string,
  pid: number | null,
  cause: { code: string; holder: number | null; dir?: string },
) => {
  const dir = cause.dir ?? 'the state folder';
  const who = `The watcher for ${short}${pid ? ` (PID ${pid})` : ''}`;
  const resume = `then resume with: ${BIN} monitor ${short} --detach.`;
  if (cause.code === 'lock-lost')
    return `${who} lost its lock on the state folder to another process${cause.holder ? ` (PID ${cause.holder})` : ''} and left without recording an outcome (two watchers took over at once, or the lock folder was removed). Resume with: ${BIN} monitor ${short} --detach.`;
  const why =
    cause.code === 'ENOSPC' || cause.code === 'EDQUOT'
      ? `no space is left on the disk holding ${dir} (${cause.code}). Free space there (${BIN} cleanup removes old records), ${resume}`
      : cause.code === 'EROFS'
        ? `the file system holding ${dir} is read-only (EROFS). Make it writable (for example: mount -o remount,rw), or point DEPLOY_WATCH_STATE_DIR at a writable folder, ${resume}`
        : cause.code === 'EACCES' || cause.code === 'EPERM'
          ? `this user may not write in ${dir} (${cause.code}). Make it writable (for example: chmod u+rwx "${dir}"), ${resume}`
          : `writing in ${dir} failed (${cause.code}). Check the disk, ${resume}`;
  return `${who} cannot record the deployment: ${why}`;
};
export const corruptRecord = (file: string, reason: string) =>
  `The status file ${file} is unreadable (${reason}); it was left as it is. Remove it with ${BIN} cleanup --days 0, or start a new monitor to rewrite it.`;
export const lastLogLines = (count: number) =>
  count === 1 ? 'Last line of the log' : `Last ${count} lines of the log`;
export const waitTimedOut = (seconds: number) => `Still no outcome after waiting ${seconds}s.`;
