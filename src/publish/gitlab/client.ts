// The only code that speaks to GitLab: its headers, and what each of its answers means (apiClient.ts sends).
// GitLab's REST API (v4): a PRIVATE-TOKEN header; 429 with Retry-After and RateLimit-Reset (epoch seconds,
// the names DigitalOcean uses); 400 "Cannot transition status via :run from :running" when a commit status
// repeats a state the name already has (or has passed): that status is there, so it counts as posted.
import * as msg from '../../kernel/messages.js';
import { retryAfterMs } from '../../kernel/http/retryAfter.js';
import type { HttpAnswer } from '../../kernel/http/request.js';
import { type ApiClient, type ApiClientOptions, createApiClient, messageOf, parseBody } from '../apiClient.js';
import type { PostAnswer } from '../destination.js';

/** GitLab names a time with its 429s; a minute when one does not. */
export const RATE_LIMIT_WAIT_MS = 60_000;

export function createGitLabClient(opts: ApiClientOptions): ApiClient {
  const headers = { accept: 'application/json', 'user-agent': 'deploy-watch', 'private-token': opts.token };
  return createApiClient(opts, headers, classifyGitLab);
}

export function classifyGitLab(answer: HttpAnswer, nowMs: number): PostAnswer {
  const { status, headers, text } = answer;
  if (status >= 200 && status < 300) return { kind: 'ok', status, body: parseBody(text), scopes: null };
  const said = messageOf(text);
  if (status === 400 && /cannot transition status/i.test(said)) return { kind: 'ok', status, body: null, scopes: null };
  const reason = msg.gitHubAnswered(status, said);
  if (status === 429) return { kind: 'retry', reason, waitMs: retryAfterMs(headers, nowMs) ?? RATE_LIMIT_WAIT_MS };
  if (status >= 500 || status === 408) return { kind: 'retry', reason, waitMs: null };
  return { kind: 'refused', status, reason };
}

/** The project as GitLab's paths take it: an id as it is, "group/sub/name" URL-encoded. */
export function projectPath(project: string): string {
  return `/projects/${encodeURIComponent(project)}`;
}
