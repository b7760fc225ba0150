// Saving a fetched build/deploy log over the one a commit already has (runs/<sha>.log, or the team's
// table): the saved log only ever becomes more complete (logParts' merge), and the record's `logs` says what
// it now holds. The monitor, `logs` and `logs --follow` all save through here.
import { gained, type LogPart, logText, mergeLogs, missingReason, parseLog, presentTypes } from './logParts.js';
import type { LogStatus } from './statusRecord.js';
import type { StatusStore } from './statusStore.js';

const WHOLE = Number.MAX_SAFE_INTEGER;

/** The commit's saved log as parts; [] when there is none. */
export async function readSavedLog(store: StatusStore, sha: string): Promise<LogPart[]> {
  const lines = await store.tailLog(sha, WHOLE);
  return lines && lines.length > 0 ? parseLog(`${lines.join('\n')}\n`) : [];
}

export interface SavedLog {
  /** What the saved log holds now (the merge of the saved and the fetched parts). */
  parts: LogPart[];
  /** Where it is, or null while it holds no text. */
  logFile: string | null;
  /** Where the logs stand now, for the record. */
  logs: LogStatus;
  /** Whether the fetch added anything (then the saved log was rewritten). */
  written: boolean;
}

/**
 * Merges the fetched parts into the saved log and writes it when that gained something. `complete` and
 * `reason` are the fetch's own verdict, used when no stage is known at all (none ran, or none answered).
 */
export async function saveLog(
  store: StatusStore,
  sha: string,
  fetched: { parts: readonly LogPart[]; complete: boolean; reason: string | null },
): Promise<SavedLog> {
  const saved = await readSavedLog(store, sha);
  const parts = mergeLogs(saved, fetched.parts);
  const written = gained(parts, saved);
  if (written) await store.writeLog(sha, logText(parts));
  return {
    parts,
    written,
    logFile: parts.some((p) => p.text !== null) ? store.logLocation(sha) : null,
    logs: statusOf(parts, fetched),
  };
}

/** fetched when no stage is missing (and something came, or the fetch found nothing to fetch). */
export function statusOf(parts: readonly LogPart[], fetched: { complete: boolean; reason: string | null }): LogStatus {
  const missing = missingReason(parts);
  const present = presentTypes(parts);
  const complete = missing === null && (present.length > 0 || fetched.complete);
  return complete
    ? { state: 'fetched', until: null, reason: null, parts: present }
    : { state: 'missing', until: null, reason: missing ?? fetched.reason, parts: present };
}
