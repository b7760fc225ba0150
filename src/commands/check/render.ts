// check's output: JSON as a contract on stdout; human text with the failing log lines.
import type { Deps } from '../../deps.js';
import { ago, paint, shortSha } from '../../kernel/format.js';
import * as msg from '../../kernel/messages.js';
import type { Evaluation } from '../../store/outcome.js';
import { logFetchInterrupted } from '../../store/statusRecord.js';

export interface CheckJson {
  sha: string;
  outcome: Evaluation['outcome'];
  exitCode: number;
  /** Why there is no outcome: no-record, stopped, start-failed, stale, corrupt, store-unreachable, frozen; null otherwise. */
  unknown: Evaluation['unknown'];
  monitorPid: number | null;
  record: Evaluation['record'];
  logTail: string[] | null;
  message: string;
  /** Present (true) when the team store could not be reached and the answer is this machine's records. */
  storeUnreachable?: true;
  /** Present with unknown "frozen": the watcher's PID, whether its process is stopped, how far past its next poll. */
  stall?: NonNullable<Evaluation['stall']>;
  /** Present when check knows why the watcher could not record (code ENOSPC, EROFS, lock-lost…, and details). */
  cause?: NonNullable<Evaluation['cause']>;
  /** Present when the record speaks of the failure's logs: being fetched, partial, missing or interrupted. */
  logsNote?: string;
  /** Present (true) when the log fetch's process died: `logs <sha>` fetches them; checking again will not. */
  logsInterrupted?: true;
}

/** The one-line answer: JSON's `message`, and the first line of the human answer when there is no outcome. */
export function describe(e: Evaluation): string {
  const short = shortSha(e.sha);
  const r = e.record;
  if (e.unknown === 'no-record') return msg.noRecord(short);
  if (e.outcome === 'in_progress' && !e.record) return msg.monitorStarting(short);
  // A cause that will repeat is named with its fix; resuming is offered only past it.
  if (e.unknown === 'stopped' && r?.cause) return msg.monitorGaveUp(short, r.cause);
  if (e.unknown === 'stopped') return msg.monitorStopped(short, r?.stoppedBy, r?.message ?? null);
  if (e.unknown === 'start-failed') return msg.notWatched(short, r?.startFailed ?? '');
  if (e.cause) return msg.watcherCause(short, e.stall?.pid ?? r?.pid ?? null, e.cause);
  if (e.unknown === 'stale') return msg.monitorStale(short, r?.pid ?? null);
  if (e.unknown === 'corrupt' && e.corrupt) return msg.corruptRecord(e.corrupt.file, e.corrupt.reason);
  if (e.unknown === 'store-unreachable') return msg.storeUnreachableUnknown(short);
  if (e.unknown === 'frozen' && e.stall) {
    const overdue = e.stall.overdueMs === null ? null : Math.round(e.stall.overdueMs / 1000);
    return msg.watcherFrozen(short, e.stall.pid, e.stall.stopped, overdue);
  }
  const answer =
    e.outcome === 'success'
      ? msg.deployed(short, facts(r))
      : msg.deploymentState(short, r?.state ?? e.outcome, r?.message ?? null);
  if (!e.storeUnreachable) return answer;
  // The team store is down: this machine's own records answer, and the line says so.
  const offline =
    e.outcome === 'in_progress' ? msg.storeUnreachableFollowing(short, e.monitorPid) : msg.storeUnreachableAnswer;
  return `${answer}\n  ${offline}`;
}

/** What the record says about where and how: the app, the deployment, its phase, the source. */
function facts(r: Evaluation['record']): string[] {
  return [
    // With several apps: the one that failed (or is behind), so the line says where to look.
    r?.app ? `app ${r.app.name}` : null,
    r?.deploymentId ? `deployment ${r.deploymentId}` : null,
    r?.phase ? r.phase : null,
    r?.source ? `via ${r.source}` : null,
  ].filter((f): f is string => f !== null);
}

export function toJson(e: Evaluation, logTail: string[] | null, now: number): CheckJson {
  const logs = logsNote(e, now);
  return {
    sha: e.sha,
    outcome: e.outcome,
    exitCode: e.exitCode,
    unknown: e.unknown,
    monitorPid: e.monitorPid,
    record: e.record,
    logTail,
    message: describe(e),
    ...(e.storeUnreachable ? { storeUnreachable: true } : {}),
    ...(e.stall ? { stall: e.stall } : {}),
    ...(e.cause ? { cause: e.cause } : {}),
    ...(logs ? { logsNote: logs } : {}),
    ...(logFetchInterrupted(e.record?.logs, now) ? { logsInterrupted: true } : {}),
  };
}

export function renderCheck(
  e: Evaluation,
  logTail: string[] | null,
  ctx: { deps: Deps; waitedSeconds: number | null },
): void {
  const { deps } = ctx;
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(toJson(e, logTail, deps.now()))}\n`);
    return;
  }
  const p = paint(deps.colour);
  const now = deps.now();
  const short = shortSha(e.sha);
  const r = e.record;
  const where = r?.branch ? ` (${r.branch}${r.remote ? ` → ${r.remote}` : ''})` : '';
  const known = facts(r);
  const tail = known.length ? ` · ${known.join(' · ')}` : '';
  let line: string;
  // The record's own words under the first line; a failure's reason and a missing outcome's cause are in it.
  let detail = r?.message ?? null;
  switch (e.outcome) {
    case 'success':
      line = `${p.green('✓ deployed')} ${short}${where}${tail} · finished ${ago(r?.finishedAt ?? r?.updatedAt ?? null, now)}`;
      break;
    case 'failed':
      line = `${p.red(`✗ ${r?.state ?? 'failed'}`)} ${short}${where}${tail} · ${ago(r?.finishedAt ?? r?.updatedAt ?? null, now)}${r?.message ? ` — ${r.message}` : ''}`;
      detail = null;
      break;
    case 'in_progress':
      if (!r) {
        line = `${p.yellow('… starting')} ${short}${e.monitorPid ? ` · PID ${e.monitorPid}` : ''}`;
        detail = describe(e);
        break;
      }
      line = `${p.yellow(`… ${r?.state ?? 'in progress'}`)} ${short}${where}${tail} · ${r?.polls ?? 0} poll${r?.polls === 1 ? '' : 's'} · updated ${ago(r?.updatedAt ?? null, now)} · watcher PID ${e.monitorPid}`;
      if (ctx.waitedSeconds) line += `\n${msg.waitTimedOut(ctx.waitedSeconds)}`;
      break;
    default:
      line = `${p.dim('?')} ${describe(e)}`;
      detail = null;
  }
  const out = [line];
  if (detail) out.push(`  ${detail}`);
  // The team store is down: an outcome or a follow shown here is this machine's own, and the reader is told.
  if (e.storeUnreachable && e.outcome !== 'not_found')
    out.push(
      `  ${e.outcome === 'in_progress' ? msg.storeUnreachableFollowing(short, e.monitorPid) : msg.storeUnreachableAnswer}`,
    );
  const logs = logsNote(e, now);
  if (logs) out.push(`  ${logs}`);
  if (logTail && logTail.length > 0 && r?.logFile !== undefined) {
    out.push(p.bold(`  ${msg.lastLogLines(logTail.length)} (${deps.store().logLocation(e.sha)}):`));
    for (const l of logTail) out.push(`    ${l}`);
  } else if (e.outcome === 'failed' && !logs) {
    out.push(p.dim('  No build or deploy log was fetched for this deployment.'));
  }
  if (!deps.globals.quiet || e.outcome !== 'success') deps.stdout.write(`${out.join('\n')}\n`);
}

/**
 * Where the failed deployment's logs stand, when the record says (older records do not): a log shown while a
 * part is still awaited or missing is marked partial, and a fetch whose process died is said to be cut short.
 */
export function logsNote(e: Evaluation, now: number): string | null {
  const logs = e.record?.logs;
  if (!logs) return null;
  const short = shortSha(e.sha);
  const present = logs.parts ?? [];
  if (logFetchInterrupted(logs, now)) return msg.logsFetchInterrupted(short, logs.until, present);
  if (logs.state === 'fetching')
    return present.length > 0 && logs.pending?.length
      ? msg.logsPartialFetching(present, logs.pending, logs.until)
      : msg.logsBeingFetched(logs.until);
  if (logs.state === 'missing')
    return present.length > 0
      ? msg.logsPartialMissing(short, present, logs.reason)
      : msg.logsMissing(short, logs.reason);
  return null;
}
