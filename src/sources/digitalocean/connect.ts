// The one way to reach DigitalOcean's API: the base URL (config.doApiUrl: DEPLOY_WATCH_DO_API_URL, else the
// public API), the token, deploy-watch's user agent and the timeouts. The sources, `logs` and `doctor` all
// build their client here; nothing outside src/sources/ speaks to DigitalOcean (test/boundaries.test.ts).
import { appUrl, DoClient } from './client.js';
import type { ListCache } from './cache.js';
import type { Gate } from './gate.js';
import { doHeaders } from './http.js';
import { get } from '../../kernel/http/request.js';

/** Requests time out after this long; a slow API is a failed poll, not a hung monitor. */
export const DO_TIMEOUT_MS = 10_000;
export const DO_PER_PAGE = 50;

/** Where the API is and the token that opens it. */
export interface DoAccess {
  apiUrl: string;
  token: string;
}

/** The access the config gives (its API URL and token), or null without a token. */
export function doAccessOf(config: { doApiUrl: string; secrets: { doToken: string | null } }): DoAccess | null {
  return config.secrets.doToken ? { apiUrl: config.doApiUrl, token: config.secrets.doToken } : null;
}

export interface DoClientOptions {
  now(): number;
  random(): number;
  /** Default DO_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Default DO_PER_PAGE. */
  perPage?: number;
  /** One gate shared by the clients of several apps (one token, one budget). */
  gate?: Gate;
  cache?: ListCache;
}

/** A client for one app's endpoints. */
export function digitalOceanClient(access: DoAccess, appId: string, opts: DoClientOptions): DoClient {
  return new DoClient({ ...access, appId, timeoutMs: DO_TIMEOUT_MS, perPage: DO_PER_PAGE, ...opts });
}

/** One GET /v2/apps/{id} as it came: `doctor` tells a wrong token, a wrong app and a failing API apart. */
export type AppProbe =
  | { kind: 'unreachable'; reason: string }
  | { kind: 'answer'; status: number; ok: boolean; body: unknown | undefined };

export async function probeApp(access: DoAccess, appId: string, timeoutMs = DO_TIMEOUT_MS): Promise<AppProbe> {
  try {
    const res = await get(appUrl(access.apiUrl, appId), doHeaders(access.token), timeoutMs);
    const ok = res.status >= 200 && res.status <= 299;
    return { kind: 'answer', status: res.status, ok, body: ok ? parsedOrUndefined(res.text) : undefined };
  } catch (error) {
    return { kind: 'unreachable', reason: (error as Error).message };
  }
}

function parsedOrUndefined(text: string): unknown | undefined {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // doctor says "malformed JSON": the caller tells it from an empty answer by `ok`
  }
}
