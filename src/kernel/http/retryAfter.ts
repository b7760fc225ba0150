// How long an HTTP API asks to be left alone: `retry-after` (seconds or an HTTP date), else the
// `ratelimit-reset` epoch second. DigitalOcean and GitHub both answer 429 this way.
/** retry-after is seconds (or an HTTP date); falls back to the ratelimit-reset epoch second. */
export function retryAfterMs(headers: Headers, nowMs: number): number | null {
  const value = headers.get('retry-after');
  if (value !== null) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(headers.get('ratelimit-reset'));
  if (headers.get('ratelimit-reset') !== null && Number.isFinite(reset) && reset > 0)
    return Math.max(0, reset * 1000 - nowMs);
  return null;
}
