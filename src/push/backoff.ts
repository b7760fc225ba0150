// Exponential backoff with full jitter (AWS architecture blog): a uniformly random wait between 0
// and min(cap, base·2^(attempt−1)), so racing pushers spread out instead of colliding again.

/** Milliseconds to wait after the given failed attempt (1-based); `random` returns [0, 1). */
export function backoffDelay(attempt: number, baseSeconds: number, capSeconds: number, random: () => number): number {
  const ceiling = Math.min(capSeconds, baseSeconds * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling * 1000);
}
