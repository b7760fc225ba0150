// The App Platform endpoints the monitor uses: the app and the list (both shared through the cache), get one,
// logs. Every request passes the gate first, so rate limits, backoff and the budget's pace hold across calls.
import { getJson, type HttpResult } from './http.js';
import { Gate } from './gate.js';
import { noCache, type ListCache } from './cache.js';
import {
  appSchema,
  deploymentSchema,
  listSchema,
  logsSchema,
  type App,
  type Deployment,
  type DeploymentList,
  type LogUrls,
} from './schema.js';
import * as msg from '../../kernel/messages.js';
import { untilAborted } from '../../kernel/untilAborted.js';

export interface ClientOptions {
  apiUrl: string;
  token: string;
  appId: string;
  timeoutMs: number;
  perPage: number;
  now(): number;
  random(): number;
  cache?: ListCache;
  /** One gate shared by the clients of several apps: one token, one rate-limit budget (default: its own). */
  gate?: Gate;
}

export type LogType = 'BUILD' | 'DEPLOY' | 'RUN';

/** The app's endpoint: every other path (deployments, logs) hangs under it. */
export function appUrl(apiUrl: string, appId: string): string {
  return `${apiUrl}/v2/apps/${encodeURIComponent(appId)}`;
}

export type Answer<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string; permanent: boolean; retryAfterMs?: number; status?: number };

export class DoClient {
  readonly gate: Gate;
  private readonly base: string;
  /** Where the app and list answers are shared (none: every call asks). */
  private readonly cache: ListCache;

  constructor(private readonly opts: ClientOptions) {
    this.gate = opts.gate ?? new Gate({ now: opts.now, random: opts.random });
    this.base = appUrl(opts.apiUrl, opts.appId);
    this.cache = opts.cache ?? noCache;
  }

  async listPage(page: number, signal?: AbortSignal): Promise<Answer<DeploymentList>> {
    const url = `${this.base}/deployments?page=${page}&per_page=${this.opts.perPage}`;
    return this.shared(this.listKey(page), url, signal, (b) => this.parsed(b, listSchema));
  }

  /** Whether a list page younger than the cache's age limit is at hand: reading it costs no request. */
  hasFreshList(page: number): boolean {
    return this.cache.peek(this.listKey(page)) !== undefined;
  }

  /**
   * The app itself (GET /v2/apps/{id}), shared like the list: its spec says which branches deploy it, and it
   * names the active, in-progress and pending deployments. `maxAgeMs` takes an older shared answer when one
   * is at hand (the spec does not change while a deployment runs).
   */
  async app(signal?: AbortSignal, maxAgeMs?: number): Promise<Answer<App>> {
    const key = this.appKey();
    const parse = (b: unknown) => this.parsed((b as { app?: unknown } | null)?.app, appSchema);
    const held = maxAgeMs === undefined ? undefined : this.cache.peek(key, maxAgeMs);
    if (held !== undefined) {
      const parsed = parse(held);
      if (parsed.success) return { ok: true, value: parsed.data };
    }
    return this.shared(key, this.base, signal, parse);
  }

  /** Whether an app answer younger than the cache's age limit is at hand: reading it costs no request. */
  hasFreshApp(): boolean {
    return this.cache.peek(this.appKey()) !== undefined;
  }

  /** Whether an app answer of any age is at hand (reading it with `maxAgeMs: Infinity` costs no request). */
  hasApp(): boolean {
    return this.cache.peek(this.appKey(), Number.POSITIVE_INFINITY) !== undefined;
  }

  private appKey(): string {
    return `do-${this.opts.appId}-app`;
  }

  private listKey(page: number): string {
    return `do-${this.opts.appId}-p${page}-n${this.opts.perPage}`;
  }

  /**
   * A GET shared by every commit polling now, so no one commit's abort may cancel it (its timeout bounds
   * it); a commit that stops following just stops waiting for it.
   */
  private shared<T>(key: string, url: string, signal: AbortSignal | undefined, parse: Parse<T>): Promise<Answer<T>> {
    // A fresh shared answer costs no request, so the gate's pace (which spaces requests) must not refuse it:
    // a second read in the same poll (serve's look, the list after the app) gets what the first one fetched.
    // (A 429 or a failure still holds everyone: then the caller hears why it waits.)
    const fresh = this.gate.held() ? undefined : this.cache.peek(key);
    if (fresh !== undefined) {
      const parsed = parse(fresh);
      if (parsed.success) return Promise.resolve({ ok: true, value: parsed.data });
    }
    return this.call(
      () =>
        untilAborted(
          this.cache.get(key, () => this.get(url)),
          signal,
          STOPPED,
        ),
      parse,
    );
  }

  /** Every commit the watcher follows reads the same cached answer: it is validated once, not once per commit. */
  private readonly parsedBodies = new WeakMap<object, ReturnType<Parse<unknown>>>();

  private parsed<T>(body: unknown, schema: { safeParse(b: unknown): ReturnType<Parse<T>> }): ReturnType<Parse<T>> {
    if (typeof body !== 'object' || body === null) return schema.safeParse(body);
    let parsed = this.parsedBodies.get(body) as ReturnType<Parse<T>> | undefined;
    if (!parsed) this.parsedBodies.set(body, (parsed = schema.safeParse(body)));
    return parsed;
  }

  async deployment(id: string, signal?: AbortSignal): Promise<Answer<Deployment>> {
    return this.call(() => this.get(`${this.base}/deployments/${encodeURIComponent(id)}`, signal), oneOf);
  }

  /**
   * Where one stage's log is: pre-signed `historic_urls` (empty until archived) and, with `follow` while
   * the deployment runs, a `live_url`. null when the stage never ran (the API answers 400).
   */
  async logUrls(id: string, type: LogType, follow: boolean, signal?: AbortSignal): Promise<Answer<LogUrls | null>> {
    const url = `${this.base}/deployments/${encodeURIComponent(id)}/logs?type=${type}&follow=${follow}`;
    const answer = await this.call(
      () => this.get(url, signal),
      (b) => logsSchema.safeParse(b),
    );
    return !answer.ok && answer.status === 400 ? { ok: true, value: null } : answer;
  }

  private get(url: string, signal?: AbortSignal): Promise<HttpResult> {
    return getJson(url, { token: this.opts.token, timeoutMs: this.opts.timeoutMs, now: this.opts.now, signal });
  }

  private async call<T>(request: () => Promise<HttpResult>, parse: Parse<T>): Promise<Answer<T>> {
    const wait = this.gate.waitMs();
    if (wait > 0)
      return { ok: false, reason: msg.doWaiting(wait, this.gate.cause()), permanent: false, retryAfterMs: wait };
    const result: HttpResult & { cached?: boolean } = await request();
    // Every answer states the budget; one shared with other commits was read by the request that got it.
    if (!result.cached) this.gate.paced(result.rate);
    // An answer shared with other commits was counted against the gate once, by the request that got it.
    const failed = () => (result.cached ? this.gate.waitMs() : this.gate.failed());
    switch (result.kind) {
      case 'ok': {
        if (!result.cached) this.gate.succeeded(result.waitMs);
        const parsed = parse(result.body);
        if (parsed.success) return { ok: true, value: parsed.data };
        const issue = parsed.error.issues[0];
        return {
          ok: false,
          reason: msg.doUnexpectedShape(issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unknown'),
          permanent: false,
          retryAfterMs: failed(),
        };
      }
      case 'retry':
        if (result.transient) return { ok: false, reason: result.reason, permanent: false, retryAfterMs: failed() };
        this.gate.rateLimited(result.waitMs);
        return { ok: false, reason: result.reason, permanent: false, retryAfterMs: this.gate.waitMs() };
      case 'denied':
        return { ok: false, reason: result.reason, permanent: true };
      case 'client':
        return { ok: false, reason: result.reason, permanent: result.status === 404, status: result.status };
    }
  }
}

type Parse<T> = (
  body: unknown,
) =>
  | { success: true; data: T }
  | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };

/** The get-deployment answer is {"deployment": {...}}. */
function oneOf(body: unknown) {
  return deploymentSchema.safeParse((body as { deployment?: unknown } | null)?.deployment);
}

/** What a commit that stopped following gets instead of the shared answer: nothing charged to the gate. */
const STOPPED: HttpResult & { cached: boolean } = {
  kind: 'retry',
  reason: 'stopped',
  waitMs: 0,
  transient: true,
  cached: true,
};
