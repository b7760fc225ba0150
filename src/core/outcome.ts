// What a commit's state means for the person asking: check's exit codes in one function.
import { EXIT } from './exitCodes.js';
import { liveness, readPidFile, type Liveness } from './pidFile.js';
import { isFinal, type StatusRecord } from './statusRecord.js';
import type { ReadResult, StatusStore } from './statusStore.js';

export type Outcome = 'success' | 'failed' | 'in_progress' | 'not_found';
/** Why there is no outcome, when there is none. */
export type Unknown = 'no-record' | 'stopped' | 'start-failed' | 'stale' | 'corrupt';

export interface Evaluation {
  sha: string;
  outcome: Outcome;
  exitCode: number;
  record: StatusRecord | null;
  /** Set when outcome is not_found. */
  unknown: Unknown | null;
  /** The live monitor's PID, when one runs. */
  monitorPid: number | null;
  /** For a corrupt record: the file and why. */
  corrupt: { file: string; reason: string } | null;
}

const FAILED_STATES = new Set(['failed', 'canceled', 'timeout', 'superseded']);

export async function evaluate(store: StatusStore, sha: string): Promise<Evaluation> {
  return evaluateRead(store, sha, await store.read(sha));
}

export function evaluateRead(store: StatusStore, sha: string, read: ReadResult): Evaluation {
  const base = { sha, record: null, unknown: null, monitorPid: null, corrupt: null };
  if (read.status === 'missing')
    return { ...base, outcome: 'not_found', exitCode: EXIT.notFound, unknown: 'no-record' };
  if (read.status === 'corrupt') {
    return {
      ...base,
      outcome: 'not_found',
      exitCode: EXIT.notFound,
      unknown: 'corrupt',
      corrupt: { file: read.file, reason: read.reason },
    };
  }
  const record = read.record;
  if (record.state === 'success') return { ...base, record, outcome: 'success', exitCode: EXIT.success };
  if (FAILED_STATES.has(record.state)) return { ...base, record, outcome: 'failed', exitCode: EXIT.failed };
  if (isFinal(record.state))
    return {
      ...base,
      record,
      outcome: 'not_found',
      exitCode: EXIT.notFound,
      unknown: record.startFailed ? 'start-failed' : 'stopped',
    };
  const monitor = monitorLiveness(store, sha);
  if (monitor.state === 'alive')
    return { ...base, record, outcome: 'in_progress', exitCode: EXIT.inProgress, monitorPid: monitor.pid };
  return { ...base, record, outcome: 'not_found', exitCode: EXIT.notFound, unknown: 'stale' };
}

export function monitorLiveness(store: StatusStore, sha: string): { state: Liveness | 'none'; pid: number | null } {
  const info = readPidFile(store.paths(sha).pid);
  if (!info) return { state: 'none', pid: null };
  return { state: liveness(info), pid: info.pid };
}
