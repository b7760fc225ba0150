// When to poll next. Starts at fastInterval and, while nothing changes during the first fastFor
// seconds, doubles up to slowInterval (a phase change snaps back to fast); after fastFor it is slowInterval.
// Poll times are aligned to a wall-clock grid so that every monitor of a repository polls at the same
// instants and shares one list request. The delay never exceeds slowInterval, so an end is seen ≤ slowInterval late.

export interface Polling {
  fastInterval: number;
  fastFor: number;
  slowInterval: number;
  timeout: number;
}

/** The wanted gap (ms) after a poll made `elapsedMs` after start, with `unchanged` polls in a row seeing the same thing. */
export function nextDelayMs(polling: Polling, elapsedMs: number, unchanged: number): number {
  const fast = polling.fastInterval * 1000;
  const slow = Math.max(fast, polling.slowInterval * 1000);
  if (elapsedMs >= polling.fastFor * 1000) return slow;
  return Math.min(slow, fast * 2 ** Math.min(unchanged, 20));
}

/** The delay moved earlier to the last grid point (a multiple of `gridMs` since the epoch) before now + delay. */
export function alignDelay(nowMs: number, delayMs: number, gridMs: number): number {
  if (gridMs <= 0) return delayMs;
  const aligned = Math.floor((nowMs + delayMs) / gridMs) * gridMs - nowMs;
  return aligned > 0 ? aligned : delayMs;
}

/** The grid for a delay: the slow grid for slow polls, the fast grid otherwise. */
export function gridFor(polling: Polling, delayMs: number): number {
  const slow = polling.slowInterval * 1000;
  return delayMs >= slow ? slow : polling.fastInterval * 1000;
}

/** The full plan: the delay to sleep after a poll, capped by the deadline. */
export function planSleep(polling: Polling, nowMs: number, startMs: number, unchanged: number): number {
  const delay = nextDelayMs(polling, nowMs - startMs, unchanged);
  const aligned = alignDelay(nowMs, delay, gridFor(polling, delay));
  return Math.max(0, Math.min(aligned, startMs + polling.timeout * 1000 - nowMs));
}
