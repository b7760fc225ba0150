// What to post when a commit's state changes, to GitHub or GitLab (a Destination each: destination.ts). The
// watcher's follow writes its records through `follow()`'s store: each write lands first, untouched in
// timing, then the publisher compares what the record calls for with what was published and posts the
// difference in the background. The service failing never changes the outcome, never delays a record: 5xx,
// timeouts and rate limits are retried with backoff while the commit is followed (and for `drainMs` after its
// outcome); a refusal that will not change is said once (the log, the record) and ends publishing there for
// that commit. What was published is kept on the record, so whoever takes the commit on (a new lease holder)
// does not post it again.
import { untilAborted } from '../kernel/untilAborted.js';
import { isFinal, type StatusRecord } from '../store/statusRecord.js';
import type { StatusStore } from '../store/statusStore.js';
import type { Change, Destination, Part, PostAnswer, Step } from './destination.js';
import type { GitHubClient } from './github/client.js';
import { gitHubDestination } from './github/destination.js';

export interface PublisherOptions {
  client: GitHubClient;
  /** owner/name */
  repo: string;
  /** Contexts of the commit statuses (statusContexts); none: no commit statuses (`github.statuses: false`). */
  contexts: readonly string[];
  /** The GitHub environment of a Deployment per commit; null: no Deployments. */
  environment: string | null;
  /** The App Platform app of a one-app config (records of several apps name theirs). */
  appId: string | null;
  /** The app's live URL, for a successful Deployment's environment_url, when known. */
  environmentUrl(): Promise<string | null>;
  now(): number;
  sleep(ms: number): Promise<void>;
  log?(event: string, fields: Record<string, unknown>): void;
  /** How long publishing may still retry once the outcome is on record (default DRAIN_MS). */
  drainMs?: number;
}

/** One commit's publishing, as the watcher sees it: the store to write through, and its end. */
export interface PublishedFollow {
  store: StatusStore;
  /** Resolves once everything the record calls for is posted, refused, or given up. */
  settled(): Promise<void>;
}

export const DRAIN_MS = 5 * 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 60_000;

export interface Publisher {
  follow(sha: string, store: StatusStore, signal: AbortSignal): PublishedFollow;
}

/** The clock, the waits and the log a publisher runs on, whatever its destination. */
export type PublishTiming = Pick<PublisherOptions, 'now' | 'sleep' | 'log' | 'drainMs'>;

/** The GitHub publisher. */
export function createPublisher(opts: PublisherOptions): Publisher {
  return publisherTo(gitHubDestination(opts), opts);
}

export function publisherTo<P extends Part, C extends Change>(
  destination: Destination<P, C>,
  timing: PublishTiming,
): Publisher {
  return { follow: (sha, store, signal) => new CommitPublishing(destination, timing, sha, store, signal).follow() };
}

/** Several publishers as one: each writes through the store the one before returned, each keeping its part. */
export function chainedPublishers(publishers: readonly Publisher[]): Publisher {
  return {
    follow: (sha, store, signal) => {
      const follows: PublishedFollow[] = [];
      for (const publisher of publishers) follows.push(publisher.follow(sha, follows.at(-1)?.store ?? store, signal));
      return {
        store: follows.at(-1)?.store ?? store,
        settled: async () => {
          await Promise.all(follows.map((f) => f.settled()));
        },
      };
    },
  };
}

class CommitPublishing<P extends Part, C extends Change> {
  /** What was published to this destination for the commit (null: nothing yet). */
  private part: P | null = null;
  private latest: StatusRecord | null = null;
  /** Every change not yet posted, oldest first: each is posted once, in order, however late. */
  private readonly queue: C[] = [];
  /** The last value queued per key (a status context, the Deployment): a repeat is no change. */
  private queued: Record<string, string> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | null = null;
  private finalAt: number | null = null;

  constructor(
    private readonly to: Destination<P, C>,
    private readonly opts: PublishTiming,
    private readonly sha: string,
    private readonly store: StatusStore,
    private readonly signal: AbortSignal,
  ) {}

  follow(): PublishedFollow {
    const store = new Proxy(this.store, {
      get: (target, key) => {
        if (key === 'write') return (record: StatusRecord) => this.write(record);
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return {
      store,
      settled: async () => {
        while (this.running) await this.running;
      },
    };
  }

  /** The follow's write: on record first (with what was published), then its changes queued for posting. */
  private async write(record: StatusRecord): Promise<void> {
    // A commit taken on from another watcher: what it published stands (a new lease holder posts nothing twice).
    this.part ??= this.to.partOf(record.published);
    const merged: StatusRecord = this.part
      ? { ...record, published: this.to.withPart(record.published, this.part) }
      : record;
    this.latest = merged;
    const written = this.chain.then(() => this.store.write(merged));
    this.chain = written.catch(() => undefined); // the follow hears of a failed write from `written`
    await written;
    if (isFinal(merged.state)) this.finalAt ??= this.opts.now();
    this.enqueue(merged);
    this.start();
  }

  /** One worker at a time; a change queued as it finished starts it again. */
  private start(): void {
    if (this.running || this.queue.length === 0 || this.part?.refused) return;
    this.running = this.work().finally(() => {
      this.running = null;
      if (!this.signal.aborted || this.finalAt !== null) this.start();
    });
  }

  private enqueue(record: StatusRecord): void {
    const queued = (this.queued ??= this.to.posted(this.part));
    for (const change of this.to.changes(record)) {
      if (queued[change.key] === change.value) continue;
      queued[change.key] = change.value;
      this.queue.push(change);
    }
  }

  private async work(): Promise<void> {
    let attempt = 0;
    while (this.queue.length > 0) {
      if (this.signal.aborted && !this.finalAt) return; // handed to the next holder, or the follow crashed
      const part = (this.part ??= this.to.empty());
      const step = await this.to.step(this.queue[0]!, part, this.sha);
      const answer = await this.to.client.post(step.path, step.body);
      if (answer.kind === 'ok') {
        attempt = 0;
        step.done(answer, part);
        if (step.completes) this.queue.shift();
        this.opts.log?.('published', { sha: this.sha, what: step.what, to: this.to.target });
        await this.persist();
        continue;
      }
      if (answer.kind === 'refused') return this.refuse(step, answer);
      attempt += 1;
      const waitMs = answer.waitMs ?? Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      const drainEnd = this.finalAt === null ? Number.POSITIVE_INFINITY : this.finalAt + this.drainMs();
      // A watcher that was told to stop leaves now: its last word was worth one try, not a wait.
      if (this.signal.aborted || this.opts.now() + waitMs > drainEnd) {
        const reason = this.to.gaveUp(this.signal.aborted ? null : this.drainMs() / 1000, answer.reason);
        this.opts.log?.('publish gave up', { sha: this.sha, reason });
        this.queue.length = 0;
        return;
      }
      this.opts.log?.('publish retry', { sha: this.sha, reason: answer.reason, waitMs });
      await untilAborted(this.opts.sleep(waitMs), this.signal, undefined);
    }
  }

  private drainMs(): number {
    return this.opts.drainMs ?? DRAIN_MS;
  }

  /** Said once: in the log and on the record; nothing more is posted there for this commit. */
  private async refuse(step: Step<P>, answer: Extract<PostAnswer, { kind: 'refused' }>): Promise<void> {
    const reason = this.to.refusal(step, answer);
    this.part = { ...(this.part ?? this.to.empty()), refused: reason };
    this.queue.length = 0;
    this.opts.log?.('publish refused', { sha: this.sha, reason });
    await this.persist();
  }

  /** What was published, onto the latest record (after any write the follow queued first). */
  private async persist(): Promise<void> {
    const next = this.chain.then(() => {
      const { latest, part } = this;
      return latest && part
        ? this.store.write({ ...latest, published: this.to.withPart(latest.published, part) })
        : undefined;
    });
    this.chain = next.catch(() => undefined);
    // The record could not be written (the lease went to another holder, a full disk): the follow says so.
    await next.catch((error) =>
      this.opts.log?.('publish unrecorded', { sha: this.sha, err: (error as Error).message }),
    );
  }
}
