// Fetches a finished deployment's BUILD/DEPLOY logs within a time budget, through whatever the API
// answers meanwhile: 429/retry-after and 5xx (the client's gate decides when the next request may go),
// timeouts, bad JSON, `historic_urls` still empty (not archived yet) and failing log URLs. It never
// sends the token to a log URL: those are pre-signed and on another host. Each stage is handed on as it
// ends (onPart), so what came is shown while the next one is still awaited; the budget is a hard bound.
import { type LogPart, missingPart, presentPart } from '../../store/logParts.js';
import * as msg from '../../kernel/messages.js';
import type { FetchedLogs, OnLogPart } from '../source.js';
import type { DoClient, LogType } from './client.js';
import { getText } from './http.js';

export interface LogBudget {
  budgetMs: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  signal?: AbortSignal | undefined;
  /** Per request (API and log URLs). */
  timeoutMs: number;
  onPart?: OnLogPart | undefined;
}

type Stage = { kind: 'text'; text: string } | { kind: 'never-ran' } | { kind: 'missing'; reason: string };

/** While `historic_urls` is empty, ask again this often. */
export const NOT_ARCHIVED_RETRY_MS = 2_000;
const URL_RETRY_BASE_MS = 1_000;
const URL_RETRY_CAP_MS = 15_000;

export async function fetchLogsWithin(
  client: DoClient,
  deploymentId: string,
  types: readonly LogType[],
  budget: LogBudget,
): Promise<FetchedLogs> {
  const deadline = budget.now() + budget.budgetMs;
  // Past the deadline nothing is waited on, not even a request in flight: "until" on the record is kept.
  const spent = new AbortController();
  const timer = setTimeout(() => spent.abort(), Math.max(0, budget.budgetMs));
  const signal = budget.signal ? AbortSignal.any([budget.signal, spent.signal]) : spent.signal;
  const b: Bounded = { ...budget, signal, stopped: budget.signal, deadline };
  const parts: LogPart[] = [];
  try {
    for (const [i, type] of types.entries()) {
      const stage = await fetchStage(client, deploymentId, type, b);
      if (stage.kind === 'text') parts.push(presentPart(type, deploymentId, stage.text));
      else if (stage.kind === 'missing') parts.push(missingPart(type, deploymentId, stage.reason));
      await budget.onPart?.(parts, types.slice(i + 1));
    }
  } finally {
    clearTimeout(timer);
  }
  const reason = parts.filter((p) => p.text === null).map((p) => `${p.type}: ${p.reason}`);
  return { parts, complete: reason.length === 0, reason: reason.join('; ') || null };
}

/** The budget with its deadline, the signal that also fires at it, and the caller's own stop signal. */
interface Bounded extends LogBudget {
  signal: AbortSignal;
  stopped: AbortSignal | undefined;
  deadline: number;
}

async function fetchStage(client: DoClient, id: string, type: LogType, b: Bounded): Promise<Stage> {
  const deadline = b.deadline;
  let last: string = msg.LOGS_NO_ANSWER_YET;
  let urlFailures = 0;
  for (;;) {
    if (b.stopped?.aborted) return { kind: 'missing', reason: msg.LOGS_MONITOR_STOPPED };
    if (b.signal.aborted) return { kind: 'missing', reason: msg.logsBudgetSpent(last) };
    // The gate holds every request of this client: a 429 or a backoff seen by any call counts here too.
    const gateWait = client.gate.waitMs();
    if (gateWait > 0) {
      if (b.now() + gateWait >= deadline) return { kind: 'missing', reason: msg.logsBudgetSpent(last) };
      await b.sleep(gateWait);
      continue;
    }
    let delay: number;
    const answer = await client.logUrls(id, type, false, b.signal);
    if (b.signal.aborted) continue; // said above, with the last real answer
    if (!answer.ok) {
      // A bad token, a gone deployment or any other 4xx will answer the same next time.
      if (answer.permanent || answer.status !== undefined) return { kind: 'missing', reason: answer.reason };
      last = answer.reason;
      delay = Math.max(answer.retryAfterMs ?? 0, client.gate.waitMs(), 1);
    } else if (answer.value === null) {
      return { kind: 'never-ran' };
    } else if ((answer.value.historic_urls ?? []).length === 0) {
      last = msg.LOGS_NOT_ARCHIVED;
      delay = NOT_ARCHIVED_RETRY_MS;
    } else {
      const got = await readAll(answer.value.historic_urls ?? [], b, deadline);
      if (got.ok) return { kind: 'text', text: got.text };
      if (b.signal.aborted) continue;
      last = got.reason;
      urlFailures += 1;
      delay = Math.min(URL_RETRY_CAP_MS, URL_RETRY_BASE_MS * 2 ** (urlFailures - 1));
    }
    if (b.now() + delay >= deadline) return { kind: 'missing', reason: msg.logsBudgetSpent(last) };
    await b.sleep(delay);
  }
}

/** Every part, in order; the first failure fails the stage (the URLs are asked for again). */
async function readAll(
  urls: readonly string[],
  b: Bounded,
  deadline: number,
): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const parts: string[] = [];
  for (const url of urls) {
    // A slow storage host must not keep the monitor far past its budget.
    const timeoutMs = Math.max(1_000, Math.min(b.timeoutMs, deadline - b.now()));
    const got = await getText(url, timeoutMs, b.signal); // pre-signed: no token
    if (!got.ok) return { ok: false, reason: msg.logUrlFailed(got.reason) };
    parts.push(got.text);
  }
  return { ok: true, text: parts.join('') };
}
