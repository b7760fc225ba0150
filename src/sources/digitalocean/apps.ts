// Several App Platform apps deployed by one push (an API and a web front end, say): one DigitalOcean source
// per app, all behind one rate-limit gate (one token, one budget), their answers combined per commit
// (combine.ts). An app whose spec says a push to the deploy branch does not deploy it is left out; its
// spec is read once per process, from the app answer the polls share when there is one (no request of its
// own then), and an app whose spec cannot be read is watched anyway.
import * as msg from '../../kernel/messages.js';
import type { AppRef } from '../../store/statusRecord.js';
import type { FetchedLogs, LogRequest, Observation, ObserveContext, SeenDeployment, Source } from '../source.js';
import type { DoClient } from './client.js';
import { digitalOceanClient } from './connect.js';
import { combine } from './combine.js';
import { Gate } from './gate.js';
import { createDigitalOceanSource, type DigitalOceanSourceOptions } from './source.js';
import { deployedByPushTo } from './spec.js';

export interface AppsSourceOptions extends Omit<DigitalOceanSourceOptions, 'appId' | 'gate'> {
  apps: readonly AppRef[];
  /** The configured deploy branch: what each app's spec is read against. */
  branch: string;
}

type Spec = { kind: 'deploys' } | { kind: 'left-out' } | { kind: 'unread'; reason: string; final: boolean };

/** A spec that keeps failing (5xx, timeouts) is given up on after this many tries; the app stays watched. */
export const SPEC_TRIES = 3;

interface Member {
  app: AppRef;
  source: Source;
  client: DoClient;
  /** What its spec said; kept once it will not change while this process runs. */
  spec: Spec | null;
  failures: number;
  reading: Promise<void> | null;
}

export function createAppsSource(opts: AppsSourceOptions): Source {
  const gate = new Gate({ now: opts.now, random: opts.random });
  const members: Member[] = opts.apps.map((app) => {
    const own = { ...opts, appId: app.id, gate };
    return {
      app,
      source: createDigitalOceanSource(own),
      client: digitalOceanClient(own, app.id, own),
      spec: null,
      failures: 0,
      reading: null,
    };
  });
  /** Which app each reported deployment belongs to, so fetchLogs asks that app's endpoint. */
  const appOf = new Map<string, Member>();
  /** The deployment ids seen for each commit, so forgetting a commit forgets them too. */
  const idsOf = new Map<string, Set<string>>();

  function readSpec(m: Member, signal?: AbortSignal): Promise<void> {
    const settled = m.spec !== null && (m.spec.kind !== 'unread' || m.spec.final);
    // While the token waits (rate limit, backoff, pace) a read would only be refused by the gate: not a try.
    if (settled || (gate.waitMs() > 0 && !m.client.hasApp())) return Promise.resolve();
    m.reading ??= m.client
      .app(signal, Number.POSITIVE_INFINITY)
      .then((answer) => {
        if (answer.ok) {
          const deploys = deployedByPushTo(answer.value.spec ?? {}, opts.branch).length > 0;
          m.spec = { kind: deploys ? 'deploys' : 'left-out' };
        } else {
          m.failures += 1;
          m.spec = { kind: 'unread', reason: answer.reason, final: answer.permanent || m.failures >= SPEC_TRIES };
        }
      })
      .finally(() => {
        m.reading = null;
      });
    return m.reading;
  }

  async function observe(ctx: ObserveContext): Promise<Observation> {
    // A spec never asked for is read first: that app answer serves the poll too (no list request then). One
    // that failed is asked again after the deployments: it must not starve the polls (its failures back off
    // the gate that every app shares).
    const unread = members.filter((m) => m.spec === null && m.failures === 0);
    await Promise.all(unread.map((m) => readSpec(m, ctx.signal)));
    const watched = members.filter((m) => m.spec?.kind !== 'left-out');
    const seen = new Map<Member, Observation>();
    await Promise.all(watched.map(async (m) => seen.set(m, await m.source.observe(ctx))));
    await Promise.all(watched.map((m) => readSpec(m, ctx.signal)));
    const notes: string[] = [];
    const entries: Array<{ app: AppRef; observation: Observation }> = [];
    for (const m of members) {
      if (m.spec?.kind === 'left-out') {
        notes.push(msg.appNotDeployedByPush(m.app.name, opts.branch));
        continue;
      }
      if (m.spec?.kind === 'unread') notes.push(msg.appSpecUnread(m.app.name, m.spec.reason));
      const observation = seen.get(m);
      if (!observation) continue;
      if (observation.kind === 'state' && observation.deploymentId) {
        appOf.set(observation.deploymentId, m);
        idsOf.set(ctx.sha, (idsOf.get(ctx.sha) ?? new Set()).add(observation.deploymentId));
      }
      entries.push({ app: m.app, observation });
    }
    if (entries.length === 0)
      return {
        kind: 'unavailable',
        permanent: true,
        reason: msg.noAppDeploysBranch(
          opts.branch,
          members.map((m) => m.app.name),
        ),
      };
    return combine(entries, notes);
  }

  async function fetchLogs(req: LogRequest): Promise<FetchedLogs> {
    const m = appOf.get(req.deploymentId);
    if (!m?.source.fetchLogs) return { parts: [], complete: false, reason: msg.logsAppUnknown(req.deploymentId) };
    return m.source.fetchLogs(req);
  }

  async function close(): Promise<void> {
    await Promise.all(members.map((m) => m.source.close?.()));
  }

  /** Every deployed app's newest deployments; null when none could answer. */
  async function recent(signal?: AbortSignal): Promise<SeenDeployment[] | null> {
    const watched = members.filter((m) => m.spec?.kind !== 'left-out' && m.source.recent);
    const lists = await Promise.all(watched.map((m) => m.source.recent!(signal)));
    const answered = lists.filter((l): l is SeenDeployment[] => l !== null);
    return answered.length > 0 ? answered.flat() : null;
  }

  const forget = (sha: string) => {
    for (const m of members) m.source.forget?.(sha);
    const ids = idsOf.get(sha) ?? new Set<string>();
    idsOf.delete(sha);
    // A deployment two commits share (one superseded into the other's) stays while the other needs it.
    for (const id of ids) if (![...idsOf.values()].some((other) => other.has(id))) appOf.delete(id);
  };

  return { name: 'digitalocean', observe, fetchLogs, recent, close, forget, paceMs: () => gate.waitMs() };
}
