// The only code that speaks to GitHub: one request to the REST API, turned into a value that says what to do
// next (go on, try again after a wait, or give up for good). Never throws. On node:http(s), like the
// DigitalOcean source: fetch (undici) costs a watcher about 40 MB of RSS.
import * as msg from '../../kernel/messages.js';
import { redactText } from '../../kernel/redact.js';
import { retryAfterMs } from '../../kernel/http/retryAfter.js';
import { send, type HttpAnswer } from '../../kernel/http/request.js';

export interface GitHubClientOptions {
  /** GITHUB_API_URL or https://api.github.com, without a trailing slash. */
  apiUrl: string;
  token: string;
  timeoutMs: number;
  now(): number;
}

export type GitHubAnswer =
  /** scopes: x-oauth-scopes, which GitHub sends for a classic token only (null: a fine-grained or app token). */
  | { kind: 'ok'; status: number; body: unknown; scopes: string | null }
  /** 5xx, a timeout, a network error, a primary or secondary rate limit: worth trying again (after waitMs if known). */
  | { kind: 'retry'; reason: string; waitMs: number | null }
  /** 401, a 403 that is no rate limit, 404, 422: trying again will not change it. */
  | { kind: 'refused'; status: number; reason: string };

/** GitHub asks for at least a minute's wait after a secondary limit that names no time. */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

export interface GitHubClient {
  post(path: string, body: object, signal?: AbortSignal): Promise<GitHubAnswer>;
  get(path: string, signal?: AbortSignal): Promise<GitHubAnswer>;
}

export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const headers = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'deploy-watch',
    authorization: `Bearer ${opts.token}`,
  };
  const call = async (method: 'GET' | 'POST', path: string, body: object | null, signal?: AbortSignal) => {
    let answer: HttpAnswer;
    try {
      const text = body === null ? undefined : JSON.stringify(body);
      const sent = text === undefined ? headers : { ...headers, 'content-type': 'application/json' };
      answer = await send(method, `${opts.apiUrl}${path}`, sent, opts.timeoutMs, signal, text);
    } catch (error) {
      return { kind: 'retry', reason: redactText((error as Error).message, [opts.token]), waitMs: null } as const;
    }
    return classify(answer, opts.now());
  };
  return {
    post: (path, body, signal) => call('POST', path, body, signal),
    get: (path, signal) => call('GET', path, null, signal),
  };
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

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null; // a 2xx whose body is not JSON: the write happened, its echo is not needed
  }
}

/** GitHub's own words from an error answer ({"message": …}), short; else nothing. */
function messageOf(text: string): string {
  const body = parseBody(text) as { message?: unknown } | null;
  return typeof body?.message === 'string' ? body.message.slice(0, 200) : '';
}
