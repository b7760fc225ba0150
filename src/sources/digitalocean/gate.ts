// When the next API request may go out: after the reset a rate-limited answer named, after a backoff with
// jitter that grows with each 5xx/network failure in a row, and at the pace the token's budget allows: every
// answer states the hourly budget (ratelimit-limit/-remaining/-reset), and when what is left would not last
// until the reset at the pace the requests go, they are spaced so that it does, keeping a reserve for people.
import type { RateLimit } from './http.js';

/** Share of the hourly limit left for people's own use of the token (doctl, the dashboard, scripts). */
export const RESERVE_SHARE = 0.1;
/** Spacing below this is no constraint at all (polls are 5 s apart at the fastest): requests go at once. */
export const PACE_FLOOR_MS = 1_000;

export type GateCause = 'rate limit' | 'failures' | 'pace';

export interface GateOptions {
  now(): number;
  /** 0 ≤ x < 1; injected so tests get the same jitter every run. */
  random(): number;
  baseMs?: number;
  capMs?: number;
}

export class Gate {
  private blockedUntil = 0;
  /** The budget's pace only (paced()): it spaces new requests but does not withhold an answer already fetched. */
  private pacedUntil = 0;
  private failures = 0;
  /** Why requests are held, for the message a held poll records (and a timeout repeats). */
  private heldFor: GateCause = 'rate limit';

  constructor(private readonly opts: GateOptions) {}

  /** Milliseconds to wait before a request may go out; 0 when it may go now. */
  waitMs(): number {
    return Math.max(0, this.blockedUntil - this.opts.now(), this.pacedUntil - this.opts.now());
  }

  /** What the current wait is for: a rate limit (429, no budget left), failures in a row, or the budget's pace. */
  cause(): GateCause {
    return this.blockedUntil > this.opts.now() ? this.heldFor : 'pace';
  }

  /** True while a 429, a zero budget or a failure holds every caller (not just the pace of new requests). */
  held(): boolean {
    return this.blockedUntil > this.opts.now();
  }

  /** A request went through: forget the failures; honour `ratelimit-remaining: 0`. */
  succeeded(waitMs: number): void {
    this.failures = 0;
    this.block(waitMs, 'rate limit');
  }

  /** The server named the wait (429 retry-after or ratelimit-reset). */
  rateLimited(waitMs: number | null): void {
    this.block(waitMs ?? this.backoff(), 'rate limit');
  }

  /** 5xx, network error, bad JSON: exponential backoff with "equal jitter" (half fixed, half random). */
  failed(): number {
    this.failures += 1;
    const ms = this.backoff();
    this.block(ms, 'failures');
    return ms;
  }

  /**
   * The budget an answer stated: the requests left above the reserve are spread until the reset (when the
   * oldest request of the sliding hour expires); none left above it waits for the reset. Read on every answer.
   */
  paced(rate: RateLimit | undefined): void {
    if (!rate) return;
    const untilReset = rate.resetMs - this.opts.now();
    if (untilReset <= 0) return;
    const spendable = rate.remaining - Math.ceil(rate.limit * RESERVE_SHARE);
    const spacing = spendable > 0 ? untilReset / spendable : untilReset;
    if (spacing >= PACE_FLOOR_MS) this.pacedUntil = Math.max(this.pacedUntil, this.opts.now() + Math.ceil(spacing));
  }

  block(ms: number, cause: GateCause = 'rate limit'): void {
    if (ms <= 0) return;
    const until = this.opts.now() + ms;
    // The cause is the longest hold's: a shorter backoff inside a 429's wait does not rename it.
    if (until <= this.blockedUntil) return;
    this.blockedUntil = until;
    this.heldFor = cause;
  }

  private backoff(): number {
    const base = Math.min(this.opts.capMs ?? 60_000, (this.opts.baseMs ?? 2_000) * 2 ** Math.max(0, this.failures - 1));
    return Math.round(base / 2 + this.opts.random() * (base / 2));
  }
}
