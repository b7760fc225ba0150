// The poll loop of one commit: ask the sources in order, record what the first one that can answer
// says, sleep as the schedule says, stop at a final state, the deadline, or the abort signal. The watcher
// runs one of these per commit in flight, all in one process, sharing the sources (and their requests).
import * as msg from '../kernel/messages.js';
import { saveLog } from '../store/savedLog.js';
import { finalRecord, isFinal, newRecord, type StatusRecord } from '../store/statusRecord.js';
import type { StatusStore } from '../store/statusStore.js';
import type { Observation, Source } from '../sources/source.js';
import { untilAborted } from '../kernel/untilAborted.js';
import { planSleep, type Polling } from './schedule.js';

export interface FollowRun {
  sha: string;
  branch: string | null;
  remote: string | null;
  pid: number;
  /** The poller's machine, on the record beside its PID (team mode); null or absent for files. */
  host?: string | null;
  /** Who handed the commit over and from where (team mode's history shows it). */
  pushed?: { by: string | null; from: string | null };
  sources: Source[];
  store: StatusStore;
  polling: Polling;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Aborted to stop following; its reason is the message the `stopped` record carries. */
  signal: AbortSignal;
  /** An in-progress record left by a watcher that died: followed on from where it stood (its start, its polls). */
  resume?: StatusRecord | null;
  /** Called once the first record is written, so whoever handed the commit over can let go of it. */
  onStarted?(): Promise<void>;
  log?(event: string, fields: Record<string, unknown>): void;
  /** How long to keep fetching a failed deployment's logs after recording the outcome (default 120 s). */
  logBudgetMs?: number;
  /** Called once the final record is written, before any log fetching: outcomes are announced at once. */
  onFinal?(record: StatusRecord): Promise<void>;
}

export const DEFAULT_LOG_BUDGET_MS = 120_000;

type Decided = { source: Source; observation: Extract<Observation, { kind: 'state' }> };

export async function followCommit(run: FollowRun): Promise<StatusRecord> {
  const iso = () => new Date(run.now()).toISOString();
  const host = run.host ? { host: run.host } : {};
  const pushed = run.pushed ? { pushedBy: run.pushed.by, pushedFrom: run.pushed.from } : {};
  // Every record in progress says when the next one comes at the latest (check tells a frozen watcher by it):
  // after the sleep and one poll, which may take as long as its sources' timeouts.
  const pollMs = run.sources.reduce((sum, source) => sum + (source.maxPollMs ?? 0), 0);
  const nextPollBy = (sleepMs: number) => new Date(run.now() + Math.max(0, sleepMs) + pollMs).toISOString();
  let record: StatusRecord = run.resume
    ? { ...run.resume, pid: run.pid, ...host, updatedAt: iso(), nextPollBy: nextPollBy(0) }
    : newRecord(
        {
          sha: run.sha,
          branch: run.branch,
          remote: run.remote,
          pid: run.pid,
          ...host,
          ...pushed,
          nextPollBy: nextPollBy(0),
        },
        iso(),
      );
  const resumedStart = run.resume ? Date.parse(run.resume.startedAt) : Number.NaN;
  const start = Number.isFinite(resumedStart) ? resumedStart : run.now();
  await run.store.write(record);
  await run.onStarted?.();
  /** Sources that can never answer as things stand, with why: when every one is here, the run gives up. */
  const gone = new Map<Source, string>();
  let unchanged = 0;
  // What the time went on, for a timeout's message: polls no source answered, and the last reason why
  // (the sources say it: a 429, an API that gave no answer in time, a network error).
  const spent = { polls: 0, unanswered: 0, lastReason: null as string | null };
  for (;;) {
    if (isHandedOff(run.signal)) return record;
    if (run.signal.aborted) return finish(run, record, 'stopped', stopMessage(run.signal));
    const notes: string[] = [];
    let waitMs = 0;
    const decided = await poll(run, gone, notes, (ms) => (waitMs = Math.max(waitMs, ms)));
    if (isHandedOff(run.signal)) return record;
    if (run.signal.aborted) return finish(run, record, 'stopped', stopMessage(run.signal));
    const before = `${record.state}/${record.phase}/${record.deploymentId}`;
    record = { ...record, polls: record.polls + 1, updatedAt: iso() };
    if (decided) {
      const seen = decided.observation;
      record = {
        ...record,
        state: seen.state,
        source: decided.source.name,
        phase: seen.phase,
        deploymentId: seen.deploymentId,
        message: seen.message ?? null,
        ...(seen.app !== undefined ? { app: seen.app } : {}),
      };
    } else {
      record = { ...record, message: notes.join('; ') || null };
    }
    spent.polls += 1;
    if (!decided && notes.length > 0) {
      spent.unanswered += 1;
      spent.lastReason = notes.join('; ');
    }
    unchanged = before === `${record.state}/${record.phase}/${record.deploymentId}` ? unchanged + 1 : 0;
    run.log?.('poll', {
      sha: run.sha,
      poll: record.polls,
      state: record.state,
      phase: record.phase,
      source: record.source,
      notes,
    });
    if (isFinal(record.state)) {
      const withLogs =
        decided?.source.fetchLogs && wantsLogs(record) ? decided.source.fetchLogs.bind(decided.source) : null;
      const final = await finish(run, record, record.state, record.message, withLogs !== null);
      return withLogs ? fetchLogsAfter(run, final, withLogs) : final;
    }
    if (gone.size === run.sources.length) {
      const cause = [...gone.values()].join('; ');
      return finish(run, record, 'stopped', msg.noSourceCanAnswer(cause), false, { cause });
    }
    const elapsed = run.now() - start;
    if (elapsed >= run.polling.timeout * 1000)
      return finish(
        run,
        record,
        'timeout',
        msg.monitorTimedOut(run.polling.timeout, record.phase ?? record.state, spent),
      );
    let sleepMs = planSleep(run.polling, run.now(), start, unchanged);
    // The source that answered may want its next request later than the schedule (its token's budget).
    if (decided) waitMs = decided.source.paceMs?.() ?? 0;
    if (waitMs > sleepMs) sleepMs = Math.min(waitMs, start + run.polling.timeout * 1000 - run.now());
    record = { ...record, nextPollBy: nextPollBy(sleepMs) };
    await run.store.write(record);
    await untilAborted(run.sleep(Math.max(0, sleepMs)), run.signal, undefined);
  }
}

/** Tries each usable source in order; the first that reports a state decides this poll. */
async function poll(
  run: FollowRun,
  gone: Map<Source, string>,
  notes: string[],
  wantWait: (ms: number) => void,
): Promise<Decided | null> {
  for (const source of run.sources) {
    if (gone.has(source)) continue;
    let observation: Observation;
    try {
      observation = await source.observe({ sha: run.sha, branch: run.branch, remote: run.remote, signal: run.signal });
    } catch (error) {
      observation = { kind: 'unavailable', reason: msg.monitorCrashed((error as Error).message) };
    }
    if (observation.kind === 'state') return { source, observation };
    const note = `${source.name}: ${observation.reason}`;
    notes.push(note);
    if (observation.permanent) gone.set(source, note);
    else if (observation.retryAfterMs) wantWait(observation.retryAfterMs);
    if (run.signal.aborted) return null;
  }
  return null;
}

async function finish(
  run: FollowRun,
  record: StatusRecord,
  state: StatusRecord['state'],
  message: string | null,
  logsFollow = false,
  extra: Partial<StatusRecord> = {},
): Promise<StatusRecord> {
  const nowIso = new Date(run.now()).toISOString();
  const until = logsFollow ? new Date(run.now() + budgetOf(run)).toISOString() : null;
  const final = finalRecord(record, state, message, nowIso, {
    ...extra,
    ...(until ? { logs: { state: 'fetching', until, reason: null } } : {}),
  });
  await run.store.write(final);
  run.log?.('end', { sha: run.sha, state, message, polls: final.polls });
  await run.onFinal?.(final);
  return final;
}

function budgetOf(run: FollowRun): number {
  return run.logBudgetMs ?? DEFAULT_LOG_BUDGET_MS;
}

/** A failed or canceled deployment whose source can fetch its logs. */
function wantsLogs(record: StatusRecord): boolean {
  return (record.state === 'failed' || record.state === 'canceled') && record.deploymentId !== null;
}

/**
 * The outcome is on record already; now the logs, within the budget. Each stage is saved as it comes, and the
 * record says which are still to come, so `check` shows the BUILD log while the DEPLOY log is awaited; then
 * the record says how it went. The saved log only ever grows (saveLog): a failed fetch keeps what is there.
 */
async function fetchLogsAfter(
  run: FollowRun,
  final: StatusRecord,
  fetchLogs: NonNullable<Source['fetchLogs']>,
): Promise<StatusRecord> {
  let logs: StatusRecord['logs'];
  let logFile = final.logFile;
  let current = final;
  // The budget counts from the `until` on record, not from now: announcing the outcome (onFinal) took some.
  const until = Date.parse(final.logs?.until ?? '');
  try {
    const got = await fetchLogs({
      deploymentId: final.deploymentId ?? '',
      budgetMs: Number.isFinite(until) ? Math.max(0, until - run.now()) : budgetOf(run),
      sleep: (ms) => untilAborted(run.sleep(ms), run.signal, undefined),
      signal: run.signal,
      onPart: async (parts, pending) => {
        if (pending.length === 0 || !parts.some((p) => p.text !== null)) return; // the end is written below
        const saved = await saveLog(run.store, run.sha, { parts, complete: false, reason: null });
        const fetching = { ...(current.logs ?? { state: 'fetching', until: null, reason: null }) };
        current = {
          ...current,
          logFile: saved.logFile ?? current.logFile,
          logs: { ...fetching, state: 'fetching', parts: saved.logs.parts ?? [], pending: [...pending] },
          updatedAt: new Date(run.now()).toISOString(),
        };
        await run.store.write(current);
      },
    });
    const saved = await saveLog(run.store, run.sha, got);
    logFile = saved.logFile ?? logFile;
    logs = saved.logs;
  } catch (error) {
    logs = { state: 'missing', until: null, reason: msg.monitorCrashed((error as Error).message) };
  }
  const record: StatusRecord = { ...current, logs, logFile, updatedAt: new Date(run.now()).toISOString() };
  await run.store.write(record);
  run.log?.('logs', { sha: run.sha, logs: logs.state, reason: logs.reason });
  return record;
}

/**
 * An abort that leaves the commit to the next poller: the lease was lost, or a team poller is leaving. The
 * loop ends writing nothing, so the record stays in progress for the new holder to take on.
 */
export class HandOff {
  constructor(readonly why: string) {}
}

export function isHandedOff(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof HandOff;
}

/** The message a `stopped` record carries: the abort's reason when it gave one. */
export function stopMessage(signal: AbortSignal): string {
  return typeof signal.reason === 'string' ? signal.reason : msg.monitorStoppedBySignal('signal');
}
