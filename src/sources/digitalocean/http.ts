// One GET against the App Platform API, turned into a value: never throws, never crashes on bad JSON.
// It reads the rate-limit headers of every answer so the caller can wait until the reset the server names.
import * as msg from '../../kernel/messages.js';
import { retryAfterMs } from '../../kernel/http/retryAfter.js';
import { get, type HttpAnswer, type RequestFailed } from '../../kernel/http/request.js';

export type HttpResult = (
  | { kind: 'ok'; body: unknown; waitMs: number }
  /** 429, 5xx, network error, timeout or bad JSON: worth trying again later. */
  | { kind: 'retry'; reason: string; waitMs: number | null; transient: boolean }
  /** 401/403: the token is wrong; retrying will not help. */
  | { kind: 'denied'; reason: string }
  /** Any other 4xx (400 on logs means "stage never ran", 404 means gone). */
  | { kind: 'client'; status: number; reason: string }
) & { rate?: RateLimit };

/** The token's hourly budget as the answer's ratelimit-* headers state it. */
export interface RateLimit {
  limit: number;
  remaining: number;
  /** When the oldest request of the window expires (ratelimit-reset, epoch ms). */
  resetMs: number;
}

/** The ratelimit-* headers, or null when an answer does not carry all three. */
export function rateLimitOf(headers: Headers): RateLimit | null {
  const [limit, remaining, reset] = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) =>
    headers.get(name) === null ? Number.NaN : Number(headers.get(name)),
  );
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || !Number.isFinite(reset)) return null;
  return { limit: limit!, remaining: remaining!, resetMs: reset! * 1000 };
}

export interface HttpOptions {
  token: string | null;
  timeoutMs: number;
  now(): number;
  signal?: AbortSignal | undefined;
}

/** How long the rate-limit headers say to wait before the next request (0: no need). */
export function rateLimitWait(headers: Headers, nowMs: number): number {
  const remaining = Number(headers.get('ratelimit-remaining'));
  const reset = Number(headers.get('ratelimit-reset'));
  if (headers.get('ratelimit-remaining') === null || remaining > 0 || !Number.isFinite(reset)) return 0;
  return Math.max(0, reset * 1000 - nowMs);
}

/** What every API request sends: JSON, deploy-watch's user agent, and the token when there is one. */
export function doHeaders(token: string | null): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

const USER_AGENT = 'deploy-watch';

export async function getJson(url: string, opts: HttpOptions): Promise<HttpResult> {
  let res: HttpAnswer;
  try {
    res = await get(url, doHeaders(opts.token), opts.timeoutMs, opts.signal);
  } catch (error) {
    const failed = error as RequestFailed;
    const reason = failed.timedOut ? msg.doTimeout(opts.timeoutMs) : msg.doNetwork(failed.message);
    return { kind: 'retry', reason, waitMs: null, transient: true };
  }
  const rate = rateLimitOf(res.headers);
  const result = classify(res, opts.now());
  return rate ? { ...result, rate } : result;
}

function classify(res: HttpAnswer, now: number): HttpResult {
  const text = res.text;
  if (res.status === 401 || res.status === 403)
    return { kind: 'denied', reason: msg.doDenied(res.status, errorText(text)) };
  if (res.status === 429)
    return {
      kind: 'retry',
      reason: msg.doRateLimited(errorText(text)),
      waitMs: retryAfterMs(res.headers, now),
      transient: false,
    };
  if (res.status >= 500)
    return { kind: 'retry', reason: msg.doServerError(res.status, errorText(text)), waitMs: null, transient: true };
  if (res.status < 200 || res.status > 299)
    return { kind: 'client', status: res.status, reason: msg.doClientError(res.status, errorText(text)) };
  try {
    return { kind: 'ok', body: JSON.parse(text), waitMs: rateLimitWait(res.headers, now) };
  } catch {
    // not JSON: a retry that says why (doBadJson)
    return { kind: 'retry', reason: msg.doBadJson(text.length), waitMs: null, transient: true };
  }
}

/** GET a pre-signed log URL: never with the token (it would leak it to the storage host). */
export async function getText(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    const res = await get(url, { 'user-agent': USER_AGENT }, timeoutMs, signal);
    if (res.status < 200 || res.status > 299) return { ok: false, reason: `HTTP ${res.status}` };
    return { ok: true, text: res.text };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** DigitalOcean's error body is {"id","message"}; anything else is shown short and printable. */
function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; id?: unknown };
    if (typeof body.message === 'string') return msg.printable(body.message, 200);
  } catch {
    /* not JSON */
  }
  return msg.printable(text.trim() || 'no body', 120);
}

export { retryAfterMs };
