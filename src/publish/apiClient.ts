// One JSON request to GitHub's or GitLab's REST API, turned by the service's own `classify` into what to do
// next (go on, try again after a wait, or give up for good). Never throws. On node:http(s), like the
// DigitalOcean source: fetch (undici) costs a watcher about 40 MB of RSS.
import { redactText } from '../kernel/redact.js';
import { send, type HttpAnswer } from '../kernel/http/request.js';
import type { PostAnswer } from './destination.js';

export interface ApiClientOptions {
  /** The API base, without a trailing slash. */
  apiUrl: string;
  token: string;
  timeoutMs: number;
  now(): number;
}

export interface ApiClient {
  post(path: string, body: object, signal?: AbortSignal): Promise<PostAnswer>;
  get(path: string, signal?: AbortSignal): Promise<PostAnswer>;
}

export function createApiClient(
  opts: ApiClientOptions,
  headers: Record<string, string>,
  classify: (answer: HttpAnswer, nowMs: number) => PostAnswer,
): ApiClient {
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

export function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null; // a 2xx whose body is not JSON: the write happened, its echo is not needed
  }
}

/** The service's own words from an error answer ({"message": …}, GitLab's {"error": …}), short; else nothing. */
export function messageOf(text: string): string {
  const body = parseBody(text) as { message?: unknown; error?: unknown } | null;
  const said = body?.message ?? body?.error;
  if (typeof said === 'string') return said.slice(0, 200);
  // GitLab's validation errors: {"message": {"state": ["is invalid"]}}
  return said && typeof said === 'object' ? JSON.stringify(said).slice(0, 200) : '';
}
