// A bare GET with node:http(s): fetch (undici) costs a monitor about 40 MB of RSS for its WASM parser,
// which matters for ten monitors idling for half an hour. Timeout and abort included; no redirects.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { timerMs } from '../clock.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

const MAX_BODY = 16 * 1024 * 1024;

export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export function get(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  return send('GET', url, headers, timeoutMs, signal);
}

/** The same for any method, with an optional body (the GitHub publisher's POSTs). */
export function send(
  method: 'GET' | 'POST',
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
  body?: string,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      // not a URL: rejected with the reason, never thrown past the request
      return reject(new RequestFailed(`not a URL: ${url.slice(0, 80)}`, false));
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return reject(new RequestFailed(`unsupported scheme ${target.protocol}`, false));
    if (signal?.aborted) return reject(new RequestFailed('aborted', false));
    const open = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = open(target, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) req.destroy(new RequestFailed(`answer larger than ${MAX_BODY} bytes`, false));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        finish();
        resolve({
          status: res.statusCode ?? 0,
          headers: toHeaders(res.headers),
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(
      () => req.destroy(new RequestFailed(`no answer within ${timeoutMs} ms`, true)),
      timerMs(timeoutMs),
    );
    const onAbort = () => req.destroy(new RequestFailed('aborted', false));
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error): void {
      finish();
      reject(error instanceof RequestFailed ? error : new RequestFailed(error.message, false));
    }
    req.on('error', fail);
    req.end(body);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}
