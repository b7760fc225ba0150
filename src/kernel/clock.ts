// The real clock, for the code that builds the real dependencies; tests inject a driven one.

/** The longest delay a timer keeps: Node fires a longer one (or NaN) after 1 ms, with only a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay every setTimeout in the code passes through: never above MAX_TIMER_MS, never negative or NaN. */
export const timerMs = (ms: number): number => (ms > 0 ? Math.min(ms, MAX_TIMER_MS) : 0);

/** Sleeps `ms` in full however long (Infinity: for ever), in timers of at most MAX_TIMER_MS each. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    let left = ms;
    const step = () => {
      const now = timerMs(left);
      left -= now;
      setTimeout(left > 0 ? step : resolve, now);
    };
    step();
  });
}

export const realClock = { now: (): number => Date.now(), sleep: realSleep };
