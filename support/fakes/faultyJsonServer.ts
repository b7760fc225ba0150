// The plumbing of the GitHub and GitLab stand-ins: a JSON server on 127.0.0.1 that records every request
// (method, path, body, the credentials it came with, the status answered) and answers scripted faults
// (a status, headers, a message; or no answer at all) before its routes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiRequest {
  method: string;
  /** As sent (GitLab's project path stays URL-encoded). */
  path: string;
  body: unknown;
  authorization: string | null;
  privateToken: string | null;
  /** 0: held, never answered. */
  status: number;
}

export interface ApiFault {
  /** Substring of "METHOD path" the fault applies to (default: every request). */
  match?: string;
  /** How many requests it answers (default 1). */
  times?: number;
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** Never answer: the request stays open until the server closes (a hung API: the client's timeout ends it). */
  hold?: boolean;
}

export type Route = (request: ApiRequest, body: Record<string, unknown>) => [number, unknown, Record<string, string>?];

export interface JsonServer {
  url: string;
  requests: ApiRequest[];
  close(): Promise<void>;
}

export async function startFaultyJsonServer(opts: {
  faults?: ApiFault[];
  route: Route;
  /** Headers on every answer (rate-limit counters, scopes). */
  headers?(): Record<string, string>;
}): Promise<JsonServer> {
  const requests: ApiRequest[] = [];
  const faults = (opts.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
  const faultFor = (method: string, path: string) => {
    const fault = faults.find((f) => f.left > 0 && (!f.match || `${method} ${path}`.includes(f.match)));
    if (fault) fault.left -= 1;
    return fault;
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {}; // not JSON: the routes see no fields and answer as the service would
    }
    const request: ApiRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      body: text ? body : null,
      authorization: req.headers.authorization ?? null,
      privateToken: (req.headers['private-token'] as string | undefined) ?? null,
      status: 0,
    };
    requests.push(request);
    const fault = faultFor(request.method, request.path);
    if (fault?.hold) return;
    const [status, answer, headers] = fault
      ? [fault.status, { message: fault.message ?? 'fault' }, fault.headers]
      : opts.route(request, body);
    request.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...opts.headers?.(), ...headers });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
