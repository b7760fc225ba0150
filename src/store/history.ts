// Recent deployments of this clone (of the team, on a shared store), newest first: the data behind `check --all`.
import { evaluateRead, followerOf, type Evaluation } from './outcome.js';
import { isFinal } from './statusRecord.js';
import type { ReadResult, StatusStore } from './statusStore.js';

export interface HistoryEntry {
  sha: string;
  outcome: Evaluation['outcome'];
  unknown: Evaluation['unknown'];
  state: string | null;
  branch: string | null;
  source: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  /** From start to finish, or to now while it runs; null when unknown. */
  durationMs: number | null;
  /** Shared (team) store only: who handed the commit over first, and from which machine. */
  pushedBy?: string | null;
  pushedFrom?: string | null;
}

export async function listHistory(store: StatusStore, limit: number, nowMs: number): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (const { sha, read } of await newest(store, limit)) {
    if (read.status === 'missing') continue; // a log without a record
    const inProgress = read.status === 'ok' && !isFinal(read.record.state);
    const e = evaluateRead(sha, read, inProgress ? await followerOf(store, sha, read.record) : null);
    const r = e.record;
    const start = r ? Date.parse(r.startedAt) : NaN;
    const end = r?.finishedAt ? Date.parse(r.finishedAt) : e.outcome === 'in_progress' ? nowMs : NaN;
    entries.push({
      sha,
      outcome: e.outcome,
      unknown: e.unknown,
      state: r?.state ?? null,
      branch: r?.branch ?? null,
      source: r?.source ?? null,
      startedAt: r?.startedAt ?? null,
      finishedAt: r?.finishedAt ?? null,
      durationMs: Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null,
      ...(store.shared ? { pushedBy: r?.pushedBy ?? null, pushedFrom: r?.pushedFrom ?? null } : {}),
    });
  }
  return entries.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, limit);
}

/** The store's newest records when it can say (one query on a team store), else every commit's. */
function newest(store: StatusStore, limit: number): Promise<Array<{ sha: string; read: ReadResult }>> {
  return store.recent ? store.recent(limit) : everyRead(store);
}

/** Every commit's record (or why there is none), one read at a time. */
export async function everyRead(store: StatusStore): Promise<Array<{ sha: string; read: ReadResult }>> {
  const reads: Array<{ sha: string; read: ReadResult }> = [];
  for (const sha of await store.listShas()) reads.push({ sha, read: await store.read(sha) });
  return reads;
}
