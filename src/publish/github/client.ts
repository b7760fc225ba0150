// The only code that speaks to GitHub: its headers, and what each of its answers means (apiClient.ts sends).
import * as msg from '../../kernel/messages.js';
import { retryAfterMs } from '../../kernel/http/retryAfter.js';
import type { HttpAnswer } from '../../kernel/http/request.js';
import { type ApiClient, type ApiClientOptions, createApiClient, messageOf, parseBody } from '../apiClient.js';

export type GitHubClientOptions = ApiClientOptions;

export type GitHubAnswer =
  /** scopes: x-oauth-scopes, which GitHub sends for a classic token only (null: a fine-grained or app token). */
  | { kind: 'ok'; status: number; body: unknown; scopes: string | null }
  /** 5xx, a timeout, a network error, a primary or secondary rate limit: worth trying again (after waitMs if known). */
  | { kind: 'retry'; reason: string; waitMs: number | null }
  /** 401, a 403 that is no rate limit, 404, 422: trying again will not change it. */
  | { kind: 'refused'; status: number; reason: string };

/** GitHub asks for at least a minute's wait after a secondary limit that names no time. */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

export type GitHubClient = ApiClient;

export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const headers = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'deploy-watch',
    authorization: `Bearer ${opts.token}`,
  };
  return createApiClient(opts, headers, classify);
}

/** What an answer means for the caller; rate limits are told from refusals by their headers and words. */
export function classify(answer: HttpAnswer, nowMs: number): GitHubAnswer {
  const { status, headers, text } = answer;
  if (status >= 200 && status < 300)
    return { kind: 'ok', status, body: parseBody(text), scopes: headers.get('x-oauth-scopes') };
  const said = messageOf(text);
  if (status === 429 || (status === 403 && isRateLimit(headers, said))) {
    const named = retryAfterMs(renamed(headers), nowMs);
    return { kind: 'retry', reason: msg.gitHubAnswered(status, said), waitMs: named ?? SECONDARY_LIMIT_WAIT_MS };
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: msg.gitHubAnswered(status, said), waitMs: null };
  return { kind: 'refused', status, reason: msg.gitHubAnswered(status, said) };
}

function isRateLimit(headers: Headers, said: string): boolean {
  return headers.has('retry-after') || headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(said);
}

/** GitHub's x-ratelimit-reset under the name retryAfterMs reads (DigitalOcean's ratelimit-reset). */
function renamed(headers: Headers): Headers {
  const out = new Headers();
  const after = headers.get('retry-after');
  if (after !== null) out.set('retry-after', after);
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && headers.get('x-ratelimit-remaining') === '0') out.set('ratelimit-reset', reset);
  return out;
}
