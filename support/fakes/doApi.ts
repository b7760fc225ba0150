// A local HTTP server that speaks the App Platform API as DigitalOcean documents it, driven by a
// scripted timeline: list (paged, newest first), get, logs with pre-signed historic URLs that refuse
// a token (empty until archived, or refusing), a live log at `live_url` that grows and ends with the
// deployment, the app, rate-limit headers on every answer, and scripted faults (429, 5xx, slow, bad JSON),
// which apply to log URLs too when their `match` names `/historic/`.
//
//   const api = await start({ appId: 'app', token: 'dop_v1_x', deployments: [
//     { id: 'd1', sha, phases: [[0, 'PENDING_BUILD'], [2_000, 'BUILDING'], [9_000, 'ERROR']], logs: { BUILD: 'npm ERR!\n' } }],
//     faults: [{ match: '/deployments?', status: 503, times: 2 }] });
//   // DEPLOY_WATCH_DO_API_URL=api.url; api.requests lists what came in; await api.close();
//   // More apps on the same token: apps: [{ appId: 'web-1', deployments: [...], spec: pushSpec('web') }].
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  appJson,
  deploymentJson,
  endpointOf,
  FINAL_PHASES,
  phaseAt,
  pushSpec,
  visible,
  type FakeApp,
  type FakeDeployment,
  type Timeline,
} from './doTimeline.js';

export type { Endpoint, FakeApp, FakeDeployment, Fault, Phase, Timeline } from './doTimeline.js';
export { endpointOf, pushSpec } from './doTimeline.js';

export interface RequestRecord {
  path: string;
  query: string;
  /** Whether an Authorization header came with it. */
  authorized: boolean;
  status: number;
  at: number;
}

export interface FakeDoApi {
  url: string;
  requests: RequestRecord[];
  /** Requests to the API proper (not to the historic log URLs). */
  apiRequests(): RequestRecord[];
  /** Requests to the pre-signed and live log URLs (never with the token). */
  logUrlRequests(): RequestRecord[];
  /** How many requests came in per path (query left out), in the order first seen. */
  countByPath(): Map<string, number>;
  /** How many requests came in per endpoint: app, list, deployment, logs, historic, live, other. */
  countByEndpoint(): Record<string, number>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** The clock the timeline runs on (default real time); the timeline's offsets count from start. */
  now?: () => number;
  /** Quota per window, counted down per API request; 0 left answers 429 until the window resets (default 5000). */
  remaining?: number;
  /** Window length in ms (default 60 s; DigitalOcean's is a sliding hour). */
  windowMs?: number;
  /**
   * The wall-clock time (ms) of the timeline's zero, for the dates in the answers (default: the clock at
   * start). A clock that starts later than the server (teamWorld's go()) needs it to date deployments today.
   */
  epoch?: () => number;
}

const SIGNATURE = 'X-Amz-Signature=fake';

export async function start(timeline: Timeline, opts: StartOptions = {}): Promise<FakeDoApi> {
  const now = opts.now ?? Date.now;
  const t0 = now();
  const epoch = opts.epoch ?? (() => t0);
  const quota = opts.remaining ?? 5000;
  const windowMs = opts.windowMs ?? 60_000;
  let remaining = quota;
  let resetAt = t0 + windowMs;
  const faults = (timeline.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1, seen: 0 }));
  const requests: RequestRecord[] = [];
  let base = '';
  const apps: FakeApp[] = [
    { appId: timeline.appId, deployments: timeline.deployments, spec: timeline.spec ?? pushSpec('fake-app') },
    ...(timeline.apps ?? []),
  ];
  /** Per holdEachPhase deployment, the index of the last phase an answer showed. */
  const served = new Map<FakeDeployment, number>();
  /** A deployment as the answers see it now: one that holds each phase stops at the first phase not yet shown. */
  const held = (d: FakeDeployment): FakeDeployment =>
    d.holdEachPhase ? { ...d, phases: d.phases.slice(0, (served.get(d) ?? -1) + 2) } : d;
  /** Notes the phase each held deployment of an answer showed (the next one may begin from now on). */
  function shown(originals: FakeDeployment[], t: number): void {
    for (const d of originals) {
      if (!d.holdEachPhase) continue;
      const at = held(d).phases.filter(([ms]) => t >= ms).length - 1;
      if (at > (served.get(d) ?? -1)) served.set(d, at);
    }
  }
  /** Log URLs name only the deployment: look it up in every app. */
  const deploymentById = (id: string | undefined) => {
    const d = apps.flatMap((a) => a.deployments).find((x) => x.id === id);
    return d && held(d);
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  /** Counts the request against the window; false when the quota is spent (the answer is then a 429). */
  function spend(): boolean {
    if (now() >= resetAt) {
      remaining = quota;
      resetAt = now() + windowMs;
    }
    if (remaining <= 0) return false;
    remaining -= 1;
    return true;
  }

  function rateHeaders(): Record<string, string> {
    return {
      'ratelimit-limit': String(quota),
      'ratelimit-remaining': String(remaining),
      'ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    };
  }

  async function api(req: IncomingMessage, url: URL, res: ServerResponse, record: RequestRecord): Promise<void> {
    const target = `${url.pathname}${url.search}`;
    if (!spend())
      return send(
        res,
        (record.status = 429),
        { id: 'too_many_requests', message: 'API rate limit exceeded.' },
        rateHeaders(),
      );
    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        (f.until === undefined || now() - t0 < f.until) &&
        (f.from === undefined || now() - t0 >= f.from) &&
        (!f.match || target.includes(f.match)) &&
        (!f.every || ++f.seen % f.every === 0),
    );
    if (fault) {
      fault.left -= 1;
      if (fault.hold) return; // answered never: close() ends the connection
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status !== undefined) {
        record.status = fault.status;
        return send(res, fault.status, fault.body ?? { id: 'fault', message: `scripted HTTP ${fault.status}` }, {
          ...rateHeaders(),
          ...fault.headers,
        });
      }
      if (fault.body !== undefined) return send(res, (record.status = 200), fault.body, rateHeaders());
    }
    const reply = (status: number, body: unknown) => send(res, (record.status = status), body, rateHeaders());
    if (req.headers.authorization !== `Bearer ${timeline.token}`)
      return reply(401, { id: 'unauthorized', message: 'Unable to authenticate you.' });
    const t = now() - t0;
    const m = /^\/v2\/apps\/([^/]+)(?:\/deployments(?:\/([^/]+)(\/logs)?)?)?$/.exec(url.pathname);
    const app = m && apps.find((a) => a.appId === m[1]);
    if (!m || !app) return reply(404, { id: 'not_found', message: 'The resource you requested could not be found.' });
    const list = visible(app.deployments.map(held), t);
    const original = (d: FakeDeployment) => app.deployments.find((x) => x.id === d.id) ?? d;
    if (!url.pathname.includes('/deployments')) {
      if (app.specStatus) return reply(app.specStatus, { id: 'fault', message: `scripted HTTP ${app.specStatus}` });
      shown(list.map(original), t);
      return reply(200, { app: appJson(app, list, t, epoch()) });
    }
    if (!m[2]) {
      const perPage = Math.min(200, Math.max(1, Number(url.searchParams.get('per_page') ?? 20) || 20));
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const last = Math.max(1, Math.ceil(list.length / perPage));
      const link = (p: number) => `${base}${url.pathname}?page=${p}&per_page=${perPage}`;
      const pages: Record<string, string> = {};
      if (page > 1) Object.assign(pages, { first: link(1), prev: link(page - 1) });
      if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) });
      const onPage = list.slice((page - 1) * perPage, page * perPage);
      shown(onPage.map(original), t);
      const slice = onPage.map((d) => deploymentJson(d, t, epoch()));
      return reply(200, { deployments: slice, links: { pages }, meta: { total: list.length } });
    }
    const d = list.find((x) => x.id === m[2]);
    if (!d) return reply(404, { id: 'not_found', message: 'The resource you requested could not be found.' });
    if (!m[3]) {
      shown([original(d)], t);
      return reply(200, { deployment: deploymentJson(d, t, epoch()) });
    }
    const type = url.searchParams.get('type');
    const running = !FINAL_PHASES.has(phaseAt(d, t) ?? 'UNKNOWN');
    if (type === 'BUILD' && d.live && running && url.searchParams.get('follow') === 'true') {
      return reply(200, { live_url: `${base}/live/${d.id}/BUILD?token=live-${d.id}`, historic_urls: [] });
    }
    const text = type === 'BUILD' || type === 'DEPLOY' ? d.logs?.[type] : undefined;
    if (text === undefined)
      return reply(400, { id: 'bad_request', message: `no ${type} logs: that stage did not run` });
    const archivedAt = d.archivedAtByType?.[type as 'BUILD' | 'DEPLOY'] ?? d.archivedAt;
    if (running || (archivedAt !== undefined && t < archivedAt)) return reply(200, { live_url: '', historic_urls: [] });
    const urls = [0, 1].map((part) => `${base}/historic/${d.id}/${type}/${part}?${SIGNATURE}`);
    return reply(200, { live_url: '', historic_urls: urls });
  }

  /** A pre-signed URL on "another host": it refuses any Authorization header, like S3 with a signature. */
  function historic(req: IncomingMessage, url: URL, res: ServerResponse, record: RequestRecord): void {
    const [, , id, type, part] = url.pathname.split('/');
    if (req.headers.authorization)
      return void send(
        res,
        (record.status = 400),
        '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
      );
    if (!url.search.includes(SIGNATURE))
      return void send(res, (record.status = 403), '<Error><Code>AccessDenied</Code></Error>');
    const d = deploymentById(id);
    if (d?.logUrlStatus)
      return void send(
        res,
        (record.status = d.logUrlStatus),
        '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
      );
    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        f.match?.startsWith('/historic/') &&
        `${url.pathname}${url.search}`.includes(f.match) &&
        (f.until === undefined || now() - t0 < f.until) &&
        (f.from === undefined || now() - t0 >= f.from),
    );
    if (fault?.status !== undefined) {
      fault.left -= 1;
      return void send(res, (record.status = fault.status), fault.body ?? 'scripted fault');
    }
    const text = d?.logs?.[type as 'BUILD' | 'DEPLOY'] ?? '';
    const half = Math.ceil(text.length / 2);
    res.writeHead((record.status = 200), { 'content-type': 'text/plain' });
    res.end(part === '0' ? text.slice(0, half) : text.slice(half));
  }

  /** The live log: lines are written as their time comes; the answer ends when the deployment does. */
  function live(req: IncomingMessage, url: URL, res: ServerResponse, record: RequestRecord): void {
    const d: FakeDeployment | undefined = deploymentById(url.pathname.split('/')[2]);
    if (req.headers.authorization || !d?.live || url.searchParams.get('token') !== `live-${d.id}`)
      return void send(res, (record.status = 403), 'forbidden');
    res.writeHead((record.status = 200), { 'content-type': 'text/plain' });
    let sent = 0;
    const pump = () => {
      const t = now() - t0;
      const lines = d.live ?? [];
      while (sent < lines.length && lines[sent]![0] <= t) res.write(`${lines[sent++]![1]}\n`);
      if (FINAL_PHASES.has(phaseAt(d, t) ?? 'UNKNOWN')) {
        clearInterval(timer);
        res.end();
      }
    };
    const timer = setInterval(pump, 20);
    res.on('close', () => clearInterval(timer));
    pump();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RequestRecord = {
      path: url.pathname,
      query: url.search,
      authorized: Boolean(req.headers.authorization),
      status: 0,
      at: now() - t0,
    };
    requests.push(record);
    if (url.pathname.startsWith('/historic/')) return historic(req, url, res, record);
    if (url.pathname.startsWith('/live/')) return live(req, url, res, record);
    api(req, url, res, record).catch((error: Error) => send(res, 500, { id: 'server_error', message: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    apiRequests: () => requests.filter((r) => r.path.startsWith('/v2/')),
    logUrlRequests: () => requests.filter((r) => r.path.startsWith('/historic/') || r.path.startsWith('/live/')),
    countByPath: () => tally(requests.map((r) => r.path)),
    countByEndpoint: () => Object.fromEntries(tally(requests.map((r) => endpointOf(r.path)))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tally(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
