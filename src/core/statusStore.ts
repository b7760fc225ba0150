// The status store: the one interface through which records and logs are read and written.
// Files today; a team sharing records across machines can put PostgreSQL behind the same interface.
import { chmodSync, closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { InternalError, isErrno } from './errors.js';
import { writeFileAtomic } from './atomicWrite.js';
import * as msg from './messages.js';
import { parseRecord, type StatusRecord } from './statusRecord.js';
import { runPaths, runsDir, type RunPaths } from './stateDir.js';

export type ReadResult =
  | { status: 'ok'; record: StatusRecord }
  | { status: 'missing' }
  | { status: 'corrupt'; file: string; reason: string };

export interface StatusStore {
  /** Human-readable place, for messages. */
  readonly location: string;
  paths(sha: string): RunPaths;
  read(sha: string): Promise<ReadResult>;
  write(record: StatusRecord): Promise<void>;
  /** Every commit with any state here (record, PID file or log), full shas, unsorted. */
  listShas(): Promise<string[]>;
  /** Replaces the commit's provider log (mode 0600: it may hold build output). */
  writeLog(sha: string, text: string): Promise<void>;
  /** The last `count` lines of the commit's provider log, or null when there is none. */
  tailLog(sha: string, count: number): Promise<string[] | null>;
}

const RUN_FILE = /^([0-9a-f]{40})\.(json|log|pid|lock)$/;

export class FileStatusStore implements StatusStore {
  constructor(readonly stateDir: string) {}

  get location(): string {
    return this.stateDir;
  }

  paths(sha: string): RunPaths {
    return runPaths(this.stateDir, sha);
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
    let names: string[];
    try {
      names = readdirSync(runsDir(this.stateDir));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw this.unusable(error);
    }
    const shas = new Set<string>();
    for (const name of names) {
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

  /** Creates the state folders (0755) on first write. */
  ensure(): void {
    try {
      mkdirSync(runsDir(this.stateDir), { recursive: true, mode: 0o755 });
    } catch (error) {
      throw this.unusable(error);
    }
  }

  private unusable(error: unknown): Error {
    if (isErrno(error))
      return new InternalError(msg.stateDirUnusable(this.stateDir, error.code ?? 'error', error.message));
    return error as Error;
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
