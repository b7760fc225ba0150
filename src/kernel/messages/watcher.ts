// Messages of the watcher: starting, following and ending a commit.

import { BIN, printable } from './common.js';

export const alreadyWatched = (short: string, pid: number | null) =>
  pid
    ? `Commit ${short} is already watched by PID ${pid}; nothing to do.`
    : `Commit ${short} is already watched by another monitor that is starting; nothing to do.`;
export const monitorDetached = (short: string, pid: number) =>
  `Watching ${short} in the background (watcher PID ${pid}). Ask with: ${BIN} check ${short}`;
export const DETACH_FAILED =
  'Could not start the background watcher (the process did not start or did not take the commit). See the tool log in the state folder, or run deploy-watch doctor.';
export const monitorStoppedBySignal = (signal: string) => `monitor stopped by ${signal}`;
export const monitorCrashed = (detail: string) => `monitor failed: ${printable(detail, 300)}`;
export const NO_SOURCE_CAN_ANSWER = 'no source can answer: ';
export const noSourceCanAnswer = (notes: string) => `${NO_SOURCE_CAN_ANSWER}${notes}`;
export const monitorTimedOut = (
  seconds: number,
  last: string | null,
  spent: { polls: number; unanswered: number; lastReason: string | null },
) =>
  `no outcome within ${seconds}s (polling.timeout)${last ? `; last seen: ${last}` : ''}${
    spent.unanswered > 0 && spent.lastReason
      ? `; ${spent.unanswered} of ${spent.polls} polls got no answer, the last: ${printable(spent.lastReason, 300)}`
      : ''
  }`;
export const monitorEnded = (short: string, state: string, message: string | null) =>
  `${short}: ${state}${message ? ` (${message})` : ''}`;
/** "stopped by deploy-watch manage stop --all by alice@laptop" when the record says who; else "stopped". */
export const stoppedHow = (by: string | null | undefined) => (by ? `stopped by ${BIN} ${by}` : 'stopped');
