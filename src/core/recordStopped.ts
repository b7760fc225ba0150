import { finalRecord, isFinal } from './statusRecord.js';
import type { StatusStore } from './statusStore.js';

/**
 * Ends a record still in progress as `stopped`, with why. Never overwrites an outcome, nor a record that
 * cannot be read, nor invents one: resolves to whether it wrote.
 */
export async function recordStopped(store: StatusStore, sha: string, reason: string, nowMs: number): Promise<boolean> {
  const read = await store.read(sha);
  if (read.status !== 'ok' || isFinal(read.record.state)) return false;
  await store.write(finalRecord(read.record, 'stopped', reason, new Date(nowMs).toISOString()));
  return true;
}
