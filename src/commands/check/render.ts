// check's output: JSON as a contract on stdout; human text with the failing log lines.
import type { Deps } from '../../core/deps.js';
import { ago, paint, shortSha } from '../../core/format.js';
import * as msg from '../../core/messages.js';
import type { Evaluation } from '../../core/outcome.js';

export interface CheckJson {
  sha: string;
  outcome: Evaluation['outcome'];
  exitCode: number;
  /** Why there is no outcome: no-record, stopped, start-failed, stale, corrupt; null otherwise. */
  unknown: Evaluation['unknown'];
  monitorPid: number | null;
  record: Evaluation['record'];
  logTail: string[] | null;
  message: string;
}

export function describe(e: Evaluation): string {
  const short = shortSha(e.sha);
  if (e.unknown === 'no-record') return msg.noRecord(short);
  if (e.unknown === 'stopped') return msg.monitorStopped(short, e.record?.stoppedBy);
  if (e.unknown === 'start-failed') return msg.notWatched(short, e.record?.startFailed ?? '');
  if (e.unknown === 'stale') return msg.monitorStale(short, e.record?.pid ?? null);
  if (e.unknown === 'corrupt' && e.corrupt) return msg.corruptRecord(e.corrupt.file, e.corrupt.reason);
  return e.record?.message ?? '';
}

export function toJson(e: Evaluation, logTail: string[] | null): CheckJson {
  return {
    sha: e.sha,
    outcome: e.outcome,
    exitCode: e.exitCode,
    unknown: e.unknown,
    monitorPid: e.monitorPid,
    record: e.record,
    logTail,
    message: describe(e),
  };
}

export function renderCheck(
  e: Evaluation,
  logTail: string[] | null,
  ctx: { deps: Deps; waitedSeconds: number | null },
): void {
  const { deps } = ctx;
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(toJson(e, logTail))}\n`);
    return;
  }
  const p = paint(deps.colour);
  const now = deps.now();
  const short = shortSha(e.sha);
  const r = e.record;
  const where = r?.branch ? ` (${r.branch}${r.remote ? ` → ${r.remote}` : ''})` : '';
  const facts = [
    // With several apps: the one that failed (or is behind), so the line says where to look.
    r?.app ? `app ${r.app.name}` : null,
    r?.deploymentId ? `deployment ${r.deploymentId}` : null,
    r?.phase ? r.phase : null,
    r?.source ? `via ${r.source}` : null,
  ].filter(Boolean);
  const tail = facts.length ? ` · ${facts.join(' · ')}` : '';
  let line: string;
  switch (e.outcome) {
    case 'success':
      line = `${p.green('✓ deployed')} ${short}${where}${tail} · finished ${ago(r?.finishedAt ?? r?.updatedAt ?? null, now)}`;
      break;
    case 'failed':
      line = `${p.red(`✗ ${r?.state ?? 'failed'}`)} ${short}${where}${tail} · ${ago(r?.finishedAt ?? r?.updatedAt ?? null, now)}`;
      break;
    case 'in_progress':
      line = `${p.yellow(`… ${r?.state ?? 'in progress'}`)} ${short}${where}${tail} · ${r?.polls ?? 0} poll${r?.polls === 1 ? '' : 's'} · updated ${ago(r?.updatedAt ?? null, now)} · watcher PID ${e.monitorPid}`;
      if (ctx.waitedSeconds) line += `\n${msg.waitTimedOut(ctx.waitedSeconds)}`;
      break;
    default:
      line = `${p.dim('? unknown')} ${short}${where}${r ? ` · last state ${r.state}` : ''}`;
  }
  const out = [line];
  const detail = describe(e);
  if (detail) out.push(`  ${detail}`);
  const logs = logsNote(e);
  if (logs) out.push(`  ${logs}`);
  if (logTail && logTail.length > 0 && r?.logFile !== undefined) {
    out.push(p.bold(`  Last ${logTail.length} log lines (${deps.store().logLocation(e.sha)}):`));
    for (const l of logTail) out.push(`    ${l}`);
  } else if (e.outcome === 'failed' && !logs) {
    out.push(p.dim('  No build or deploy log was fetched for this deployment.'));
  }
  if (!deps.globals.quiet || e.outcome !== 'success') deps.stdout.write(`${out.join('\n')}\n`);
}

/** Where the failed deployment's logs stand, when the record says (older records do not). */
export function logsNote(e: Evaluation): string | null {
  const logs = e.record?.logs;
  if (!logs) return null;
  if (logs.state === 'fetching') return msg.logsBeingFetched(logs.until);
  if (logs.state === 'missing') return msg.logsMissing(shortSha(e.sha), logs.reason);
  return null;
}
