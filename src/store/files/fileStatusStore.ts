// The status store on files, in the state folder: runs/<sha>.json and .log per commit (records.ts); the
// watcher's PID file and lock (proper-lockfile), its start marker and the short-lived turn locks
// watcher/turns/<sha>.lock of those handing a commit over (watcherClaim.ts); its inboxes
// watcher/follow/<sha>.json and watcher/stop/<sha> (inboxes.ts).
import { existsSync } from 'node:fs';
import { realClock } from '../../kernel/clock.js';
import { type PollerInfo, type PollingLease, soleLease } from '../lease.js';
import type { StatusRecord } from '../statusRecord.js';
import type {
  CleanupResult,
  FollowRequest,
  ReadResult,
  StatusStore,
  WatcherClaim,
  WatcherInfo,
} from '../statusStore.js';
import { cleanupOlderThan } from './fileCleanup.js';
import * as inboxes from './inboxes.js';
import { type Cause, lastWordsPath, readLastWords, writeProblem } from './lastWords.js';
import { removeStalePushMarks } from './pushMarks.js';
import * as records from './records.js';
import { runPaths, runsDir, type RunPaths } from './stateDir.js';
import { StateFolder, type StoreClock } from './stateFolder.js';
import * as claim from './watcherClaim.js';

export class FileStatusStore implements StatusStore {
  private readonly folder: StateFolder;

  constructor(
    readonly stateDir: string,
    private readonly clock: StoreClock = realClock,
  ) {
    this.folder = new StateFolder(stateDir, clock);
  }

  get location(): string {
    return this.stateDir;
  }

  /** The files of one commit; for this store's own use and for tests that plant files. */
  paths(sha: string): RunPaths {
    return runPaths(this.stateDir, sha);
  }

  logLocation(sha: string): string {
    return this.paths(sha).log;
  }

  /** Creates the state folders (0755) on first write. */
  ensure(): void {
    this.folder.ensure();
  }

  // --- records and logs (records.ts) ----------------------------------------------------------------------

  read(sha: string): Promise<ReadResult> {
    return records.readRecord(this.folder, sha);
  }

  write(record: StatusRecord): Promise<void> {
    return records.writeRecord(this.folder, record);
  }

  listShas(): Promise<string[]> {
    return records.listShas(this.folder);
  }

  writeLog(sha: string, text: string): Promise<void> {
    return records.writeLog(this.folder, sha, text);
  }

  tailLog(sha: string, count: number): Promise<string[] | null> {
    return records.tailLog(this.folder, sha, count);
  }

  inProgress(): Promise<StatusRecord[]> {
    return records.inProgress(this.folder);
  }

  async removeOlderThan(maxAgeMs: number, nowMs: number, dryRun: boolean): Promise<CleanupResult> {
    const watcherPid = claim.liveWatcherPid(this.folder);
    const followed = async (sha: string) => {
      if (watcherPid === null) return false;
      const read = await this.read(sha);
      return (read.status === 'ok' && read.record.pid === watcherPid) || (await this.isFollowRequested(sha));
    };
    return cleanupOlderThan(runsDir(this.stateDir), maxAgeMs, nowMs, dryRun, followed);
  }

  // --- the watcher: its claim, registration, starts and hand-over turns (watcherClaim.ts) ----------------

  watcher(): Promise<WatcherInfo | null> {
    return claim.registeredWatcher(this.folder);
  }

  /** Only this machine uses the folder: its watcher polls. */
  async poller(): Promise<PollerInfo | null> {
    const watcher = await this.watcher();
    return watcher && { ...watcher, host: null };
  }

  /** The watcher's claim already makes it the only one: nothing more to take, nothing to fence (see lease.ts). */
  async acquirePolling(): Promise<PollingLease> {
    return soleLease();
  }

  claimWatcher(pid: number, startedAt: string, onLost: () => void): Promise<WatcherClaim | null> {
    return claim.claimWatcher(this.folder, pid, startedAt, onLost);
  }

  beginWatcherStart(): Promise<boolean> {
    return claim.beginWatcherStart(this.folder);
  }

  handOverTurn(sha: string, waitMs: number): Promise<{ release(): Promise<void> } | null> {
    return claim.handOverTurn(this.folder, sha, waitMs);
  }

  settingsKey(): Buffer {
    return claim.settingsKey(this.folder);
  }

  explainSignal(pid: number, reason: string): void {
    claim.explainSignal(this.folder, pid, reason);
  }

  lastWords(pid: number): Cause | null {
    return readLastWords(lastWordsPath(this.stateDir, pid));
  }

  writeProblem(): Cause | null {
    return writeProblem(
      existsSync(runsDir(this.stateDir)) ? runsDir(this.stateDir) : this.stateDir,
      new Date(this.clock.now()).toISOString(),
    );
  }

  async removeStale(nowMs: number): Promise<string[]> {
    return [...(await claim.removeStale(this.folder, nowMs)), ...removeStalePushMarks(this.stateDir, nowMs)];
  }

  // --- inboxes (inboxes.ts) ---------------------------------------------------------------------------------

  requestFollow(request: FollowRequest): Promise<void> {
    return inboxes.requestFollow(this.folder, request);
  }

  followRequests(): Promise<FollowRequest[]> {
    return inboxes.followRequests(this.folder);
  }

  isFollowRequested(sha: string): Promise<boolean> {
    return inboxes.isFollowRequested(this.folder, sha);
  }

  dropFollowRequest(sha: string): Promise<void> {
    return inboxes.dropFollowRequest(this.folder, sha);
  }

  requestStop(sha: string, reason: string): Promise<void> {
    return inboxes.requestStop(this.folder, sha, reason);
  }

  stopRequests(): Promise<Array<{ sha: string; reason: string }>> {
    return inboxes.stopRequests(this.folder);
  }

  dropStopRequest(sha: string): Promise<void> {
    return inboxes.dropStopRequest(this.folder, sha);
  }
}
