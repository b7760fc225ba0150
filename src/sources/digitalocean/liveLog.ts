// Follows a deployment's live log: the API's `live_url`, read as a growing HTTP answer until the
// server ends it (when the deployment ends). Never with the token: the URL carries its own. A wss://
// live_url (what DigitalOcean documents besides https://) is refused with a reason; the caller then
// falls back to the archived logs.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as msg from '../../kernel/messages.js';
import { timerMs } from '../../kernel/clock.js';

export type LiveResult = { ok: true } | { ok: false; reason: string; unsupported?: boolean };

/** Resolves when the stream ends; `idleMs` without a byte counts as a failure, not a hang. */
export function followLiveLog(
  url: string,
  onText: (text: string) => void,
  idleMs: number,
  signal?: AbortSignal,
): Promise<LiveResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      // not a URL: answered with the reason
      return resolve({ ok: false, reason: `not a URL: ${url.slice(0, 80)}` });
    }
    if (target.protocol === 'wss:' || target.protocol === 'ws:')
      return resolve({ ok: false, reason: msg.LIVE_LOG_UNSUPPORTED, unsupported: true });
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return resolve({ ok: false, reason: `unsupported scheme ${target.protocol}` });
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let done = false;
    const finish = (result: LiveResult) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const req = send(target, { method: 'GET', headers: { 'user-agent': 'deploy-watch' }, agent: false }, (res) => {
      if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
        res.resume();
        return finish({ ok: false, reason: msg.logUrlFailed(`HTTP ${res.statusCode}`) });
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => onText(chunk));
      res.on('end', () => finish({ ok: true }));
      res.on('error', (error) => finish({ ok: false, reason: error.message }));
    });
    req.setTimeout(timerMs(idleMs), () => req.destroy(new Error(`no log line within ${idleMs} ms`)));
    const onAbort = () => req.destroy(new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => finish({ ok: false, reason: error.message }));
    req.end();
  });
}
