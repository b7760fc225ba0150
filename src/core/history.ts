// Recent deployments of this clone, newest first: the data behind `check --all`.
import { evaluateRead, followerOf, type Evaluation } from './outcome.js';
import { isFinal } from './statusRecord.js';
import type { StatusStore } from './statusStore.js';

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
}

export async function listHistory(store: StatusStore, limit: number, nowMs: number): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  for (const sha of await store.listShas()) {
    const read = await store.read(sha);
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
    });
  }
  return entries.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, limit);
}
