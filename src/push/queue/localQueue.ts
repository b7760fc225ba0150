// The local push queue: numbered ticket files in one folder per remote branch. The lowest number
// holds the turn; the others wait in order (FIFO, so nobody starves). A waiter wakes on a change
// to the folder (fs.watch) or a slow poll, never spins. A holder whose process is gone (PID dead or
// reused, checked against its start time like the monitors' PID files) is removed at once; one that
// stays at the head longer than `turnTimeoutMs` loses its turn.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isErrno } from '../../kernel/errors.js';
import { liveness, processStartTime } from '../../kernel/fs/pidFile.js';
import type { EnterOptions, PushQueue, QueueKey, Turn } from './pushQueue.js';
import { queueFolder } from './queueDir.js';
import { timerMs } from '../../kernel/clock.js';

export interface LocalQueueOptions {
  cacheDir: string;
  now(): number;
  /** A holder at the head of the line for longer than this loses its turn. */
  turnTimeoutMs: number;
  /** Fallback wake-up when fs.watch misses a change (network file systems) and for the dead/hung checks. */
  pollMs?: number;
  pid?: number;
}

interface Ticket {
  pid: number;
  startTime: string | null;
  host: string;
  joinedAt: string;
}

const TICKET = /^t-(\d{12})\.json$/;
const ticketName = (n: number) => `t-${String(n).padStart(12, '0')}.json`;

export class LocalPushQueue implements PushQueue {
  constructor(private readonly options: LocalQueueOptions) {}

  async enter(key: QueueKey, { signal, onWait }: EnterOptions = {}): Promise<Turn> {
    const { now, turnTimeoutMs, pollMs = 500 } = this.options;
    const folder = queueFolder(this.options.cacheDir, key);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'key.json'), `${JSON.stringify(key)}\n`).catch(() => undefined);
    const pid = this.options.pid ?? process.pid;
    const started = now();
    const mine = await takeTicket(folder, {
      pid,
      startTime: processStartTime(pid),
      host: hostname(),
      joinedAt: new Date(started).toISOString(),
    });
    const release = once(() => removeTicket(join(folder, mine)));
    const wake = new Waker(folder, pollMs);
    const headSince = new Map<string, number>();
    let aheadAtStart = -1;
    let lastAhead = -1;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const ahead = (await tickets(folder)).filter((t) => t < mine);
        if (aheadAtStart < 0) aheadAtStart = ahead.length;
        if (ahead.length === 0) return { waitedMs: now() - started, aheadAtStart, release };
        const head = ahead[0]!;
        if (!headSince.has(head)) headSince.set(head, now());
        if ((await holderGone(join(folder, head))) || now() - headSince.get(head)! > turnTimeoutMs) {
          await removeTicket(join(folder, head));
          continue;
        }
        if (ahead.length !== lastAhead) onWait?.(ahead.length);
        lastAhead = ahead.length;
        await wake.next(signal);
      }
    } catch (error) {
      await release();
      throw error;
    } finally {
      wake.close();
    }
  }
}

/** Creates the next numbered ticket with O_EXCL: two pushers can never hold the same number. */
async function takeTicket(folder: string, ticket: Ticket): Promise<string> {
  for (;;) {
    const last = (await tickets(folder)).at(-1);
    const name = ticketName(last ? Number(TICKET.exec(last)![1]) + 1 : 1);
    try {
      await writeFile(join(folder, name), `${JSON.stringify(ticket)}\n`, { flag: 'wx' });
      return name;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
  }
}

async function tickets(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((f) => TICKET.test(f)).sort();
}

/** True when the ticket's process is dead or its PID now belongs to another process. */
async function holderGone(path: string): Promise<boolean> {
  let ticket: Partial<Ticket>;
  try {
    ticket = JSON.parse(await readFile(path, 'utf8')) as Partial<Ticket>;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false; // released meanwhile: the next look sees it
    return false; // being written: the turn bound covers a ticket that never gets its content
  }
  if (!Number.isInteger(ticket.pid) || ticket.host !== hostname()) return false;
  return liveness({ pid: ticket.pid!, startTime: ticket.startTime ?? null, startedAt: '' }) !== 'alive';
}

async function removeTicket(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  return () => (done ??= fn());
}

/** Resolves on the next change in the folder, after `pollMs`, or when aborted; one watcher per wait. */
class Waker {
  private watcher: FSWatcher | null = null;
  private pending: (() => void) | null = null;
  private dirty = false;

  constructor(
    folder: string,
    private readonly pollMs: number,
  ) {
    try {
      this.watcher = watch(folder, { persistent: false }, () => this.fire());
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = null; // no inotify (or out of watches): the poll alone still works
    }
  }

  private fire(): void {
    this.dirty = true;
    this.pending?.();
  }

  next(signal?: AbortSignal): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending = null;
        this.dirty = false;
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.pending = null;
        reject(signal!.reason);
      };
      const timer = setTimeout(done, timerMs(this.pollMs));
      this.pending = done;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
