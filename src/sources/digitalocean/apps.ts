// Several App Platform apps deployed by one push (an API and a web front end, say): one DigitalOcean source
// per app, all behind one rate-limit gate (one token, one budget), their answers combined per commit
// (combine.ts). An app whose spec says a push to the deploy branch does not deploy it is left out; its
// spec is read once per process, and an app whose spec cannot be read is watched anyway.
import * as msg from '../../core/messages.js';
import type { AppRef } from '../../core/statusRecord.js';
import type { FetchedLogs, LogRequest, Observation, ObserveContext, Source } from '../source.js';
import { DoClient } from './client.js';
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

interface Member {
  app: AppRef;
  source: Source;
  client: DoClient;
  /** The spec read, kept once it gave an answer that will not change while this process runs. */
  spec: Promise<Spec> | null;
}

export function createAppsSource(opts: AppsSourceOptions): Source {
  const gate = new Gate({ now: opts.now, random: opts.random });
  const members: Member[] = opts.apps.map((app) => {
    const own = { ...opts, appId: app.id, gate };
    return { app, source: createDigitalOceanSource(own), client: new DoClient(own), spec: null };
  });
  /** Which app each reported deployment belongs to, so fetchLogs asks that app's endpoint. */
  const appOf = new Map<string, Member>();

  function specOf(m: Member, signal?: AbortSignal): Promise<Spec> {
    m.spec ??= m.client.app(signal).then((answer): Spec => {
      if (answer.ok)
        return deployedByPushTo(answer.value.spec ?? {}, opts.branch).length > 0
          ? { kind: 'deploys' }
          : { kind: 'left-out' };
      return { kind: 'unread', reason: answer.reason, final: answer.permanent };
    });
    const read = m.spec;
    // A passing failure (rate limit, 5xx) is asked again next poll; a definite answer is kept.
    void read.then((s) => {
      if (s.kind === 'unread' && !s.final && m.spec === read) m.spec = null;
    });
    return read;
  }

  async function observe(ctx: ObserveContext): Promise<Observation> {
    const specs = await Promise.all(members.map((m) => specOf(m, ctx.signal)));
    const notes: string[] = [];
    const watched: Member[] = [];
    members.forEach((m, i) => {
      const spec = specs[i]!;
      if (spec.kind === 'left-out') notes.push(msg.appNotDeployedByPush(m.app.name, opts.branch));
      else watched.push(m);
      if (spec.kind === 'unread') notes.push(msg.appSpecUnread(m.app.name, spec.reason));
    });
    if (watched.length === 0)
      return {
        kind: 'unavailable',
        permanent: true,
        reason: msg.noAppDeploysBranch(
          opts.branch,
          members.map((m) => m.app.name),
        ),
      };
    const seen = await Promise.all(watched.map(async (m) => ({ m, observation: await m.source.observe(ctx) })));
    for (const { m, observation } of seen)
      if (observation.kind === 'state' && observation.deploymentId) appOf.set(observation.deploymentId, m);
    return combine(
      seen.map(({ m, observation }) => ({ app: m.app, observation })),
      notes,
    );
  }

  async function fetchLogs(req: LogRequest): Promise<FetchedLogs> {
    const m = appOf.get(req.deploymentId);
    if (!m?.source.fetchLogs) return { text: '', complete: false, reason: msg.logsAppUnknown(req.deploymentId) };
    return m.source.fetchLogs(req);
  }

  async function close(): Promise<void> {
    await Promise.all(members.map((m) => m.source.close?.()));
  }

  return { name: 'digitalocean', observe, fetchLogs, close };
}
