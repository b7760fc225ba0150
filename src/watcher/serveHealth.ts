// `serve --health-port`: a liveness probe for systemd watchdogs, Docker's HEALTHCHECK and platform probes.
// GET /healthz answers 200 while the watcher's loop ticks (whether the team store answers or it works
// offline), 503 when the loop has not ticked for a while (stuck) or has not ticked yet.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** No tick for this long (120 ticks of 250 ms) means stuck: a store call times out in 5 s, going offline in 2 s. */
export const STUCK_AFTER_MS = 30_000;

export interface HealthState {
  host: string;
  holdsLease: boolean;
  following: number;
  /** When this process last read the deployment list (ms), null before its first look or while standing by. */
  lastPollAt: number | null;
  /** When the watcher's loop last ticked (ms), null before its first tick. */
  lastTickAt: number | null;
}

export interface HealthAnswer {
  code: 200 | 503;
  body: {
    status: 'ok' | 'starting' | 'stuck';
    host: string;
    holdsLease: boolean;
    following: number;
    lastPollAt: string | null;
    lastTickAt: string | null;
  };
}

export function healthAnswer(state: HealthState, now: number, stuckAfterMs = STUCK_AFTER_MS): HealthAnswer {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const status =
    state.lastTickAt === null ? 'starting' : now - state.lastTickAt > stuckAfterMs ? 'stuck' : ('ok' as const);
  return {
    code: status === 'ok' ? 200 : 503,
    body: {
      status,
      host: state.host,
      holdsLease: state.holdsLease,
      following: state.following,
      lastPollAt: iso(state.lastPollAt),
      lastTickAt: iso(state.lastTickAt),
    },
  };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (port 0: any free one); GET /healthz or / answers, anything else is 404. */
export async function startHealthServer(host: string, port: number, answer: () => HealthAnswer): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead(405, { allow: 'GET, HEAD' }).end();
    else if (path !== '/healthz' && path !== '/') res.writeHead(404).end();
    else {
      const { code, body } = answer();
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
