// The DigitalOcean source: finds a commit's deployment and follows its phase with one request per poll for all
// commits: the app (snapshot.ts) when it names every commit's deployment, else the list; follows a SUPERSEDED one
// to its replacement when that contains the commit; logs.ts fetches logs after a failure.
import type { FetchedLogs, LogRequest, Observation, ObserveContext, SeenDeployment, Source } from '../source.js';
import * as msg from '../../kernel/messages.js';
import type { Answer, ClientOptions } from './client.js';
import { digitalOceanClient } from './connect.js';
import { fetchLogsWithin } from './logs.js';
import { builtFrom, commitOf, failedStep, mapPhase, progressText, seenOf } from './match.js';
import type { Deployment } from './schema.js';
import { answerFromApp, appWouldAnswer, newestCreated, snapshotOf, type Known } from './snapshot.js';

export interface DigitalOceanSourceOptions extends ClientOptions {
  /** Is `ancestor` contained in `descendant`? null when git cannot tell (unknown commit). */
  isAncestor(ancestor: string, descendant: string, remote: string | null): Promise<boolean | null>;
  /** How far back (ms before the first poll) a deployment of this commit may have been created. */
  lookBackMs?: number;
  maxPages?: number;
}

/** An app answer that keeps failing (5xx, a shape we cannot read) is given up on after this many tries. */
export const APP_TRIES = 3;

/** What the source knows of one commit: when it was first asked, its deployment, and its replacement. */
interface Tracking {
  startedAt: number;
  own: Deployment | null;
  /** The deployment followed after ours was superseded. */
  followed: Deployment | null;
  /** While it has no deployment: the newest creation time in the last list that had none for it. */
  noneUntil: number | null;
}

/** The commit's deployment as last seen: its replacement once superseded, else its own. */
function track(t: Tracking, d: Deployment): void {
  if (t.followed) t.followed = d;
  else t.own = d;
}

const known = (t: Tracking): Known => ({ wanted: t.followed ?? t.own, noneUntil: t.noneUntil });

/** One source serves every commit the watcher follows; each commit's tracking is kept apart by sha. */
export function createDigitalOceanSource(opts: DigitalOceanSourceOptions): Source {
  const client = digitalOceanClient(opts, opts.appId, opts);
  const tracked = new Map<string, Tracking>();
  const trackingOf = (sha: string): Tracking => {
    let t = tracked.get(sha);
    if (!t) tracked.set(sha, (t = { startedAt: opts.now(), own: null, followed: null, noneUntil: null }));
    return t;
  };
  /** Where the next poll asks first: the list until one shows the app alone would answer every commit. */
  let ask: 'app' | 'list' = 'list';
  /** App answers that failed; after APP_TRIES the list answers every poll, as it always could. */
  let appFailures = 0;

  const unavailable = (a: Extract<Answer<unknown>, { ok: false }>): Observation => ({
    kind: 'unavailable',
    reason: a.reason,
    ...(a.permanent ? { permanent: true } : {}),
    ...(a.retryAfterMs !== undefined ? { retryAfterMs: a.retryAfterMs } : {}),
  });

  async function findList(ctx: ObserveContext, t: Tracking): Promise<Answer<Deployment[]>> {
    const { own, followed } = t;
    const horizon = t.startedAt - (opts.lookBackMs ?? 30 * 60_000);
    const all: Deployment[] = [];
    for (let page = 1; page <= (opts.maxPages ?? 5); page++) {
      const answer = await client.listPage(page, ctx.signal);
      if (!answer.ok) return page === 1 ? answer : { ok: true, value: all };
      const list = answer.value.deployments ?? [];
      all.push(...list);
      const wanted = followed?.id ?? own?.id;
      if (list.some((d) => (wanted ? d.id === wanted : builtFrom(d, ctx.sha)))) break;
      // Newest first: stop once the page reaches deployments older than this push could have made.
      const oldest = Date.parse(list[list.length - 1]?.created_at ?? '');
      if (!answer.value.links?.pages?.next || list.length === 0 || (Number.isFinite(oldest) && oldest < horizon)) break;
    }
    return { ok: true, value: all };
  }

  async function observe(ctx: ObserveContext): Promise<Observation> {
    const t = trackingOf(ctx.sha);
    // A list another commit read in this poll answers this one for free; a fresh app answer (the spec's) too.
    const tryApp = (ask === 'app' && appFailures < APP_TRIES) || client.hasFreshApp();
    if (tryApp && !client.hasFreshList(1)) {
      const seen = await fromApp(ctx, t);
      if (seen) return seen;
    }
    const listed = await findList(ctx, t);
    if (!listed.ok) return unavailable(listed);
    const list = listed.value;
    const wanted = t.followed ?? t.own;
    let current = wanted ? list.find((d) => d.id === wanted.id) : list.find((d) => builtFrom(d, ctx.sha));
    if (!current && wanted) {
      const one = await client.deployment(wanted.id, ctx.signal); // older than the pages we read
      if (!one.ok) return unavailable(one);
      current = one.value;
    }
    t.noneUntil = current ? null : newestCreated(list);
    ask = appWouldAnswer(
      list,
      [...tracked].map(([sha, other]) => [sha, known(other)]),
    )
      ? 'app'
      : 'list';
    if (!current) return waiting();
    track(t, current);
    return describe(current, list, ctx, t);
  }

  /** The commit's answer from GET /v2/apps/{id}, or null when the list must tell (asked next). */
  async function fromApp(ctx: ObserveContext, t: Tracking): Promise<Observation | null> {
    const gated = client.gate.waitMs() > 0;
    const answer = await client.app(ctx.signal);
    if (!answer.ok) {
      // Whatever went wrong (a 5xx, a shape we cannot read), the next poll asks the list, as before; a
      // request the gate held back went nowhere, so it changes nothing.
      if (!gated) {
        ask = 'list';
        appFailures += 1;
      }
      return unavailable(answer);
    }
    const snapshot = snapshotOf(answer.value);
    const found = answerFromApp(snapshot, known(t), ctx.sha);
    if (!found) {
      ask = 'list';
      return null;
    }
    if (found.kind === 'none-yet') return waiting();
    track(t, found.deployment);
    return describe(found.deployment, snapshot.deployments, ctx, t);
  }

  const waiting = (): Observation => ({
    kind: 'state',
    state: 'pending',
    phase: null,
    deploymentId: null,
    message: msg.DO_WAITING_FOR_DEPLOYMENT,
  });

  async function describe(d: Deployment, list: Deployment[], ctx: ObserveContext, t: Tracking): Promise<Observation> {
    const state = mapPhase(d.phase);
    const phase = d.phase ?? 'UNKNOWN';
    const via = t.followed && t.own ? msg.doSupersededBy(t.own.id, d.id) : null;
    const note = (text: string | null) => [via, text].filter(Boolean).join('; ') || null;
    if (state === 'follow') return supersede(d, list, ctx, t);
    if (state === 'failed' || state === 'canceled') {
      // The logs come after the outcome is recorded (fetchLogs below): nobody waits for them.
      const step = state === 'failed' ? failedStep(d) : null;
      return {
        kind: 'state',
        state,
        phase,
        deploymentId: d.id,
        message: note(state === 'failed' ? msg.doFailedAt(step) : msg.DO_CANCELED),
      };
    }
    return {
      kind: 'state',
      state,
      phase,
      deploymentId: d.id,
      message: note(state === 'success' ? null : progressText(d)),
    };
  }

  async function supersede(d: Deployment, list: Deployment[], ctx: ObserveContext, t: Tracking): Promise<Observation> {
    const index = list.findIndex((x) => x.id === d.id);
    // Newer deployments come first in the list: try the oldest newer one first, it replaced ours.
    const newer = (index >= 0 ? list.slice(0, index) : []).reverse();
    for (const next of newer) {
      const commit = commitOf(next);
      if (!commit) continue;
      const contains = commit === ctx.sha || (await opts.isAncestor(ctx.sha, commit, ctx.remote ?? null));
      if (contains) {
        t.followed = next;
        return describe(next, list, ctx, t);
      }
    }
    const last = newer[newer.length - 1];
    if (!last)
      return {
        kind: 'state',
        state: 'deploying',
        phase: 'SUPERSEDED',
        deploymentId: d.id,
        message: msg.DO_SUPERSEDED_WAITING,
      };
    return {
      kind: 'state',
      state: 'superseded',
      phase: 'SUPERSEDED',
      deploymentId: d.id,
      message: msg.doSupersededWithout(last.id, commitOf(last)),
    };
  }

  function fetchLogs(req: LogRequest): Promise<FetchedLogs> {
    return fetchLogsWithin(client, req.deploymentId, ['BUILD', 'DEPLOY'], {
      budgetMs: req.budgetMs,
      now: opts.now,
      sleep: req.sleep,
      signal: req.signal,
      timeoutMs: opts.timeoutMs,
      onPart: req.onPart,
    });
  }

  /** The list's first page: the key every commit's poll reads, so on the poll grid it is the cached answer. */
  async function recent(signal?: AbortSignal): Promise<SeenDeployment[] | null> {
    const answer = await client.listPage(1, signal);
    return answer.ok ? (answer.value.deployments ?? []).map(seenOf) : null;
  }

  return {
    name: 'digitalocean',
    observe,
    fetchLogs,
    recent,
    paceMs: () => client.gate.waitMs(),
    forget: (sha) => void tracked.delete(sha),
  };
}
