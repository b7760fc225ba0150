// Listing and stopping monitors: what `manage` and the library API share.
import { statSync } from 'node:fs';
import { LOCK_STALE_MS, lockExists, removeLock } from './lock.js';
import { liveness, readPidFile, removeFile, type Liveness, type PidInfo } from './pidFile.js';
import { isFinal, type StatusRecord } from './statusRecord.js';
import * as msg from './messages.js';
import type { StatusStore } from './statusStore.js';

export interface MonitorEntry {
  sha: string;
  pid: number | null;
  /** alive: running; dead or reused: its PID file outlived it; none: no PID file but a record still in progress. */
  liveness: Liveness | 'none';
  stale: boolean;
  startedAt: string | null;
  record: StatusRecord | null;
}

/** Every commit with a PID file or a record still in progress, newest first. */
export async function listMonitors(store: StatusStore): Promise<MonitorEntry[]> {
  const entries: MonitorEntry[] = [];
  for (const sha of await store.listShas()) {
    const info = readPidFile(store.paths(sha).pid);
    const read = await store.read(sha);
    const record = read.status === 'ok' ? read.record : null;
    if (!info && (!record || isFinal(record.state))) continue;
    const state = info ? liveness(info) : 'none';
    entries.push({
      sha,
      pid: info?.pid ?? record?.pid ?? null,
      liveness: state,
      stale: state !== 'alive',
      startedAt: info?.startedAt || record?.startedAt || null,
      record,
    });
  }
  return entries.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}

export interface StopDeps {
  store: StatusStore;
  kill(pid: number, signal: NodeJS.Signals): void;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type StopResult =
  | { status: 'not-running'; sha: string }
  | { status: 'stopped'; sha: string; pid: number; signal: 'SIGTERM' | 'SIGKILL' }
  | { status: 'survived'; sha: string; pid: number };

/** SIGTERM, then SIGKILL after `graceMs`; records `stopped` unless an outcome was already recorded; removes PID and lock. */
export async function stopMonitor(sha: string, graceMs: number, deps: StopDeps): Promise<StopResult> {
  const paths = deps.store.paths(sha);
  const info = readPidFile(paths.pid);
  let result: StopResult = { status: 'not-running', sha };
  if (info && liveness(info) === 'alive') {
    result = await terminate(info, graceMs, deps);
    if (result.status === 'survived') return result;
  }
  await recordStopped(sha, deps);
  removeFile(paths.pid);
  // A fresh lock without a PID file belongs to a monitor that is starting up: leave it.
  if (info || deps.now() - mtime(paths.lock) > LOCK_STALE_MS) removeLock(paths.lock);
  return result;
}

async function terminate(info: PidInfo, graceMs: number, deps: StopDeps): Promise<StopResult> {
  const sha = info.sha;
  signal(deps, info.pid, 'SIGTERM');
  if (await waitForExit(info, graceMs, deps)) return { status: 'stopped', sha, pid: info.pid, signal: 'SIGTERM' };
  signal(deps, info.pid, 'SIGKILL');
  if (await waitForExit(info, 2_000, deps)) return { status: 'stopped', sha, pid: info.pid, signal: 'SIGKILL' };
  return { status: 'survived', sha, pid: info.pid };
}

function signal(deps: StopDeps, pid: number, sig: NodeJS.Signals): void {
  try {
    deps.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function waitForExit(info: PidInfo, ms: number, deps: StopDeps): Promise<boolean> {
  const deadline = deps.now() + ms;
  for (;;) {
    if (liveness(info) !== 'alive') return true;
    if (deps.now() >= deadline) return false;
    await deps.sleep(50);
  }
}

async function recordStopped(sha: string, deps: StopDeps): Promise<void> {
  const read = await deps.store.read(sha);
  // Never overwrite what we cannot read, an outcome the monitor recorded itself, or invent a record.
  if (read.status !== 'ok' || isFinal(read.record.state)) return;
  const nowIso = new Date(deps.now()).toISOString();
  await deps.store.write({
    ...read.record,
    state: 'stopped',
    finishedAt: nowIso,
    updatedAt: nowIso,
    pid: null,
    message: msg.STOPPED_BY_USER,
  });
}

/** Removes PID files of dead monitors and locks whose owner is gone; returns the paths removed. */
export async function removeStaleMonitorFiles(store: StatusStore, nowMs: number): Promise<string[]> {
  const removed: string[] = [];
  for (const sha of await store.listShas()) {
    const paths = store.paths(sha);
    const info = readPidFile(paths.pid);
    const alive = info !== null && liveness(info) === 'alive';
    if (alive) continue;
    if (info || pidFileExists(paths.pid)) {
      if (removeFile(paths.pid)) removed.push(paths.pid);
    }
    // Without a live owner a lock is stale; a fresh one with no PID file may be a monitor starting up.
    if (lockExists(paths.lock) && (info || nowMs - mtime(paths.lock) > LOCK_STALE_MS)) {
      if (removeLock(paths.lock)) removed.push(paths.lock);
    }
  }
  return removed;
}

function pidFileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
