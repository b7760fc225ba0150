// The status store on files, in the state folder: runs/<sha>.json and .log per commit; the watcher's PID
// file and lock (proper-lockfile); its inboxes watcher/follow/<sha>.json and watcher/stop/<sha>; and the
// short-lived turn locks watcher/turns/<sha>.lock of those handing a commit over.
import { nodeCrypto } from '../../kernel/lazyCrypto.js';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../kernel/fs/atomicWrite.js';
import { realClock } from '../../kernel/clock.js';
import { InternalError, isErrno } from '../../kernel/errors.js';
import { cleanupOlderThan, removeLegacyMonitorFiles } from './fileCleanup.js';
import {
  type Cause,
  dropLastWords,
  lastWordsPath,
  readLastWords,
  sayLastWords,
  setAsideLastWords,
  writeProblem,
} from './lastWords.js';
import { LOCK_UPDATE_MS, lockExists, removeLock, tryLock } from '../../kernel/fs/lock.js';
import * as msg from '../../kernel/messages.js';
import { ownFolder } from '../../kernel/fs/noFollow.js';
import { isPidLive, liveness, readPidFile, removeFile, writePidFile } from '../../kernel/fs/pidFile.js';
import { asSettingsPrint } from '../../kernel/config/settingsPrint.js';
import { isFinal, parseRecord, type StatusRecord } from '../statusRecord.js';
import { runPaths, runsDir, watcherPaths, type RunPaths, type WatcherPaths } from './stateDir.js';
import type {
  CleanupResult,
  FollowRequest,
  PollerInfo,
  PollingLease,
  ReadResult,
  StatusStore,
  WatcherClaim,
  WatcherInfo,
} from '../statusStore.js';

const RUN_FILE = /^([0-9a-f]{40})\.(json|log)$/;
const REQUEST_FILE = /^([0-9a-f]{40})(\.json)?$/;
/** A lock not refreshed for this long, with its owner dead, is taken over at once (proper-lockfile refreshes every 2 s). */
const DEAD_LOCK_AGE_MS = LOCK_UPDATE_MS * 2;
/** How long a new watcher waits for a retiring or just-killed one to let go of the lock. */
const CLAIM_WAIT_MS = 12_000;
/** How long a watcher start is taken to be under way (a Node start plus the claim, with room for a busy machine). */
const STARTING_FRESH_MS = 10_000;

export class FileStatusStore implements StatusStore {
  private readonly w: WatcherPaths;

  constructor(
    readonly stateDir: string,
    private readonly clock: { now(): number; sleep(ms: number): Promise<void> } = realClock,
  ) {
    this.w = watcherPaths(stateDir);
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

  async read(sha: string): Promise<ReadResult> {
    const file = this.paths(sha).record;
    let text: string;
    try {
      text = readNoFollow(file);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { status: 'missing' };
      if (isErrno(error, 'EISDIR')) return { status: 'corrupt', file, reason: 'is a folder, not a file' };
      if (isErrno(error, 'ELOOP')) return { status: 'corrupt', file, reason: 'is a symlink, which is never followed' };
      throw this.unusable(error);
    }
    const parsed = parseRecord(text);
    if (!parsed.ok) return { status: 'corrupt', file, reason: parsed.reason };
    if (parsed.record.sha !== sha)
      return { status: 'corrupt', file, reason: `it records commit ${parsed.record.sha}, not ${sha}` };
    return { status: 'ok', record: parsed.record };
  }

  async write(record: StatusRecord): Promise<void> {
    this.ensure();
    try {
      writeFileAtomic(this.paths(record.sha).record, `${JSON.stringify(record, null, 2)}\n`, 0o644);
    } catch (error) {
      throw this.unusable(error);
    }
  }

  async listShas(): Promise<string[]> {
    const shas = new Set<string>();
    for (const name of this.names(runsDir(this.stateDir))) {
      const match = RUN_FILE.exec(name);
      if (match?.[1]) shas.add(match[1]);
    }
    return [...shas];
  }

  async writeLog(sha: string, text: string): Promise<void> {
    this.ensure();
    const file = this.paths(sha).log;
    try {
      writeFileAtomic(file, text, 0o600);
      chmodSync(file, 0o600); // the umask must not widen a log that holds remote build output
    } catch (error) {
      throw this.unusable(error);
    }
  }

  async tailLog(sha: string, count: number): Promise<string[] | null> {
    const file = this.paths(sha).log;
    let text: string;
    try {
      if (!lstatSync(file).isFile()) return null; // never follow a planted symlink
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null;
      throw this.unusable(error);
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  }

  async inProgress(): Promise<StatusRecord[]> {
    const out: StatusRecord[] = [];
    for (const sha of await this.listShas()) {
      const read = await this.read(sha).catch(() => null);
      if (read?.status === 'ok' && !isFinal(read.record.state)) out.push(read.record);
    }
    return out;
  }

  /** Only this machine uses the folder: its watcher polls. */
  async poller(): Promise<PollerInfo | null> {
    const watcher = await this.watcher();
    return watcher && { ...watcher, host: null };
  }

  /** The watcher's claim already makes it the only one: nothing more to take, nothing to fence. */
  async acquirePolling(): Promise<PollingLease> {
    return { epoch: 0, renew: async () => true, release: async () => undefined };
  }

  async watcher(): Promise<WatcherInfo | null> {
    const info = readPidFile(this.w.pid);
    if (!info) return null;
    return { pid: info.pid, startedAt: info.startedAt, liveness: liveness(info) };
  }

  async claimWatcher(pid: number, startedAt: string, onLost: () => void): Promise<WatcherClaim | null> {
    this.ensure();
    const deadline = this.clock.now() + CLAIM_WAIT_MS;
    for (;;) {
      const words = lastWordsPath(this.stateDir, pid);
      let said = false; // then the words outlive the watcher, for check to read
      const say = (cause: Omit<Cause, 'at'>) => {
        said = sayLastWords(words, { ...cause, at: new Date(this.clock.now()).toISOString() }) || said;
      };
      // proper-lockfile notices within its 2 s refresh when the lock folder was replaced under it: the
      // watcher leaves, saying who holds the lock now, so that `check` does not call it killed.
      const lock = await tryLock(this.w.lock, this.w.lock, () => {
        const holder = readPidFile(this.w.pid)?.pid ?? null;
        say({ code: 'lock-lost', sha: null, holder: holder === pid ? null : holder });
        onLost();
      });
      if (lock.acquired) {
        const register = () => writePidFile(this.w.pid, { pid, startedAt });
        const unregister = () => {
          if (readPidFile(this.w.pid)?.pid === pid) removeFile(this.w.pid);
        };
        register();
        removeFile(this.w.starting);
        try {
          setAsideLastWords(words);
        } catch {
          /* a folder that takes no file now: check diagnoses it (writeProblem) */
        }
        return {
          retire: async () => unregister(),
          reinstate: async () => void register(),
          release: async () => {
            unregister();
            if (!said) dropLastWords(words);
            await lock.release();
          },
          say,
          signalReason: () => takeSignalReason(signalReasonPath(this.stateDir, pid)),
        };
      }
      const holder = readPidFile(this.w.pid);
      if (holder && liveness(holder) === 'alive') {
        removeFile(this.w.starting); // the start it marked is not needed: a watcher runs
        return null;
      }
      // The holder died (or is retiring): its lock stops being refreshed, and then it is ours to take.
      if (holder && this.clock.now() - mtimeOf(this.w.lock) > DEAD_LOCK_AGE_MS) {
        removeLock(this.w.lock);
        removeFile(this.w.pid);
        continue;
      }
      if (this.clock.now() >= deadline) return null;
      await this.clock.sleep(100);
    }
  }

  async beginWatcherStart(): Promise<boolean> {
    this.ensure();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        closeSync(openSync(this.w.starting, 'wx', 0o644));
        return true;
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw this.unusable(error);
      }
      // A start that never claimed (node gone, a crash) must not block the next one for long.
      if (this.clock.now() - mtimeOf(this.w.starting) < STARTING_FRESH_MS) return false;
      removeFile(this.w.starting);
    }
    return false;
  }

  async handOverTurn(sha: string, waitMs: number): Promise<{ release(): Promise<void> } | null> {
    this.ensure();
    const path = join(this.w.turns, `${sha}.lock`);
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const lock = await tryLock(path, path);
      if (lock.acquired) return lock;
      if (this.clock.now() >= deadline) return null;
      await this.clock.sleep(50);
    }
  }

  settingsKey(): Buffer {
    this.ensure();
    const file = this.w.settingsKey;
    for (;;) {
      try {
        return Buffer.from(readNoFollow(file).trim(), 'hex');
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw this.unusable(error);
      }
      // Made once, whole (written aside, then linked in: two at once agree on the first), for this user only.
      const aside = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(aside, nodeCrypto().randomBytes(32).toString('hex'), { mode: 0o600 });
        linkSync(aside, file);
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw this.unusable(error);
      } finally {
        removeFile(aside);
      }
    }
  }

  async requestFollow(request: FollowRequest): Promise<void> {
    this.ensure();
    try {
      writeFileAtomic(join(this.w.follow, `${request.sha}.json`), `${JSON.stringify(request)}\n`, 0o644);
    } catch (error) {
      throw this.unusable(error);
    }
  }

  async followRequests(): Promise<FollowRequest[]> {
    const out: FollowRequest[] = [];
    for (const name of this.names(this.w.follow)) {
      const sha = REQUEST_FILE.exec(name)?.[1];
      if (!sha) continue;
      try {
        const value = JSON.parse(readNoFollow(join(this.w.follow, name))) as Partial<FollowRequest>;
        out.push({
          sha,
          branch: typeof value.branch === 'string' ? value.branch : null,
          remote: typeof value.remote === 'string' ? value.remote : null,
          requestedAt: typeof value.requestedAt === 'string' ? value.requestedAt : '',
          pushedBy: typeof value.pushedBy === 'string' ? value.pushedBy : null,
          host: typeof value.host === 'string' ? value.host : null,
          settings: asSettingsPrint(value.settings),
        });
      } catch {
        out.push({ sha, branch: null, remote: null, requestedAt: '' }); // half-written or odd: the sha is enough
      }
    }
    return out;
  }

  async isFollowRequested(sha: string): Promise<boolean> {
    return existsSync(join(this.w.follow, `${sha}.json`));
  }

  async dropFollowRequest(sha: string): Promise<void> {
    removeFile(join(this.w.follow, `${sha}.json`));
  }

  async requestStop(sha: string, reason: string): Promise<void> {
    this.ensure();
    writeFileAtomic(join(this.w.stop, sha), reason, 0o644);
  }

  async stopRequests(): Promise<Array<{ sha: string; reason: string }>> {
    const out: Array<{ sha: string; reason: string }> = [];
    for (const name of this.names(this.w.stop)) {
      if (!REQUEST_FILE.exec(name) || name.endsWith('.json')) continue;
      let reason = '';
      try {
        reason = readNoFollow(join(this.w.stop, name)).trim();
      } catch {
        /* gone meanwhile, or odd: the default reason */
      }
      out.push({ sha: name, reason: reason || msg.STOPPED_BY_USER });
    }
    return out;
  }

  async dropStopRequest(sha: string): Promise<void> {
    removeFile(join(this.w.stop, sha));
  }

  explainSignal(pid: number, reason: string): void {
    this.ensure();
    writeFileAtomic(signalReasonPath(this.stateDir, pid), reason, 0o644);
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
    const removed = removeLegacyMonitorFiles(runsDir(this.stateDir));
    const holder = readPidFile(this.w.pid);
    const alive = holder !== null && liveness(holder) === 'alive';
    if (!alive) {
      if (holder && removeFile(this.w.pid)) removed.push(this.w.pid);
      // Without a registered watcher a lock is stale once it stops being refreshed (a starting one refreshes it).
      if (lockExists(this.w.lock) && (holder || nowMs - mtimeOf(this.w.lock) > DEAD_LOCK_AGE_MS * 3))
        if (removeLock(this.w.lock)) removed.push(this.w.lock);
      if (existsSync(this.w.starting) && nowMs - mtimeOf(this.w.starting) > STARTING_FRESH_MS)
        if (removeFile(this.w.starting)) removed.push(this.w.starting);
    }
    // Last words of watchers that are gone (blank ones of killed watchers, said ones the user has seen), and
    // reasons left for a signal that a watcher killed outright never read.
    for (const name of this.names(join(this.stateDir, 'watcher'))) {
      const pid = Number(/^(?:last-words|signal-reason)\.(\d+)$/.exec(name)?.[1]);
      const words = join(this.stateDir, 'watcher', name);
      if (pid > 0 && !isPidLive(pid) && removeFile(words)) removed.push(words);
    }
    // Turns of askers that were killed while handing a commit over (a live turn is refreshed every 2 s).
    for (const name of this.names(this.w.turns)) {
      const turn = join(this.w.turns, name);
      if (/^[0-9a-f]{40}\.lock$/.test(name) && nowMs - mtimeOf(turn) > DEAD_LOCK_AGE_MS * 3 && removeLock(turn))
        removed.push(turn);
    }
    return removed;
  }

  async removeOlderThan(maxAgeMs: number, nowMs: number, dryRun: boolean): Promise<CleanupResult> {
    const holder = readPidFile(this.w.pid);
    const watcherPid = holder && liveness(holder) === 'alive' ? holder.pid : null;
    const followed = async (sha: string) => {
      if (watcherPid === null) return false;
      const read = await this.read(sha);
      return (read.status === 'ok' && read.record.pid === watcherPid) || (await this.isFollowRequested(sha));
    };
    return cleanupOlderThan(runsDir(this.stateDir), maxAgeMs, nowMs, dryRun, followed);
  }

  /** Creates the state folders (0755) on first write. */
  ensure(): void {
    try {
      mkdirSync(this.stateDir, { recursive: true, mode: 0o755 });
      // One level at a time: a recursive mkdir reports a read-only disk as ENOENT, and the fix named
      // depends on the cause. mkdir is content with a link to a folder: refuse one, or records would be
      // written where it points.
      for (const dir of [runsDir(this.stateDir), dirname(this.w.follow), this.w.follow, this.w.stop, this.w.turns]) {
        makeFolder(dir);
        ownFolder(dir);
      }
    } catch (error) {
      throw this.unusable(error);
    }
  }

  private names(dir: string): string[] {
    try {
      if (!ownFolder(dir)) return [];
      return readdirSync(dir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw this.unusable(error);
    }
  }

  private unusable(error: unknown): Error {
    if (isErrno(error))
      // The errno stays on the error: a watcher that cannot write says why in its last words.
      return Object.assign(
        new InternalError(msg.stateDirUnusable(this.stateDir, error.code ?? 'error', error.message)),
        {
          code: error.code,
        },
      );
    return error as Error;
  }
}

/** Makes one folder (0755); one that exists already, made meanwhile by another process too, is fine. */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  }
}

/** Reads a file, refusing a symlink (O_NOFOLLOW) so a planted link cannot point a reader elsewhere. */
function readNoFollow(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function signalReasonPath(stateDir: string, pid: number): string {
  return join(stateDir, 'watcher', `signal-reason.${pid}`);
}

/** The reason left for this watcher's signal, removed as it is read (a later process with the PID must not find it). */
function takeSignalReason(path: string): string | null {
  try {
    const reason = readNoFollow(path).trim();
    removeFile(path);
    return reason || null;
  } catch {
    return null; // none left: a signal from someone else (kill, a terminal closing)
  }
}
