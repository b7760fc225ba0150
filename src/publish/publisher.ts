// What to post when a commit's state changes. The watcher's follow writes its records through `follow()`'s
// store: each write lands first, untouched in timing, then the publisher compares what the record calls for
// with what was published and posts the difference in the background. GitHub failing never changes the
// outcome, never delays a record: 5xx, timeouts and rate limits are retried with backoff while the commit is
// followed (and for `drainMs` after its outcome); a refusal that will not change is said once (the log, the
// record) and ends publishing for that commit. What was published is kept on the record, so whoever takes
// the commit on (a new lease holder) does not post it again.
import * as msg from '../kernel/messages.js';
import { untilAborted } from '../kernel/untilAborted.js';
import { isFinal, type Published, type StatusRecord } from '../store/statusRecord.js';
import type { StatusStore } from '../store/statusStore.js';
import { deploymentState, deploymentStatusOf, newDeployment } from './deployments.js';
import type { GitHubAnswer, GitHubClient } from './github/client.js';
import { type CommitStatus, commitStatusesOf, statusKey } from './statuses.js';

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

export function createPublisher(opts: PublisherOptions): Publisher {
  return { follow: (sha, store, signal) => new CommitPublishing(opts, sha, store, signal).follow() };
}

/** One change GitHub is still to hear of, in the order the records came. */
type Change = { kind: 'status'; status: CommitStatus } | { kind: 'deployment'; record: StatusRecord };

/** One POST, and what to remember once GitHub took it. */
interface Step {
  what: 'statuses' | 'deployments';
  path: string;
  body: object;
  /** The change is posted (false: this step only made the Deployment its statuses go to). */
  completes: boolean;
  done(answer: Extract<GitHubAnswer, { kind: 'ok' }>): void;
}

const nothingPublished = (repo: string): Published => ({ repo, statuses: {}, deployment: null, refused: null });

class CommitPublishing {
  private published: Published | null = null;
  private latest: StatusRecord | null = null;
  /** Every change not yet posted, oldest first: each status is posted once, in order, however late. */
  private readonly queue: Change[] = [];
  /** The last status queued per context and the last Deployment state queued: a repeat is no change. */
  private queued: { statuses: Record<string, string>; deployment: string | null } | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private running: Promise<void> | null = null;
  private finalAt: number | null = null;

  constructor(
    private readonly opts: PublisherOptions,
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

  /** The follow's write: on record first (with what was published), then its changes queued for GitHub. */
  private async write(record: StatusRecord): Promise<void> {
    // A commit taken on from another watcher: what it published stands (a new lease holder posts nothing twice).
    this.published ??= record.published?.repo === this.opts.repo ? record.published : null;
    const merged: StatusRecord = this.published ? { ...record, published: this.published } : record;
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
    if (this.running || this.queue.length === 0 || this.published?.refused) return;
    this.running = this.work().finally(() => {
      this.running = null;
      if (!this.signal.aborted || this.finalAt !== null) this.start();
    });
  }

  private enqueue(record: StatusRecord): void {
    const queued = (this.queued ??= {
      statuses: { ...this.published?.statuses },
      deployment: this.published?.deployment?.state ?? null,
    });
    for (const status of commitStatusesOf(record, this.opts.contexts, this.opts.appId)) {
      if (queued.statuses[status.context] === statusKey(status)) continue;
      queued.statuses[status.context] = statusKey(status);
      this.queue.push({ kind: 'status', status });
    }
    if (this.opts.environment === null) return;
    const state = deploymentState(record.state);
    if (queued.deployment === state) return;
    queued.deployment = state;
    this.queue.push({ kind: 'deployment', record });
  }

  private async work(): Promise<void> {
    let attempt = 0;
    while (this.queue.length > 0) {
      if (this.signal.aborted && !this.finalAt) return; // handed to the next holder, or the follow crashed
      const step = await this.stepFor(this.queue[0]!);
      const answer = await this.opts.client.post(step.path, step.body);
      if (answer.kind === 'ok') {
        attempt = 0;
        step.done(answer);
        if (step.completes) this.queue.shift();
        this.opts.log?.('published', { sha: this.sha, what: step.what, to: this.opts.repo });
        await this.persist();
        continue;
      }
      if (answer.kind === 'refused') return this.refuse(step, answer);
      attempt += 1;
      const waitMs = answer.waitMs ?? Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
      const drainEnd = this.finalAt === null ? Number.POSITIVE_INFINITY : this.finalAt + this.drainMs();
      // A watcher that was told to stop leaves now: its last word was worth one try, not a wait.
      if (this.signal.aborted || this.opts.now() + waitMs > drainEnd) {
        const reason = msg.gitHubGaveUp(this.drainMs() / 1000, answer.reason);
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

  /** The POST a change needs: a commit status; or a Deployment's status, once the Deployment is made. */
  private async stepFor(change: Change): Promise<Step> {
    const published = (this.published ??= nothingPublished(this.opts.repo));
    const base = `/repos/${this.opts.repo}`;
    if (change.kind === 'status') {
      const { status } = change;
      return {
        what: 'statuses',
        path: `${base}/statuses/${this.sha}`,
        body: status,
        completes: true,
        done: () => {
          published.statuses = { ...published.statuses, [status.context]: statusKey(status) };
        },
      };
    }
    const deployment = published.deployment;
    if (!deployment)
      return {
        what: 'deployments',
        path: `${base}/deployments`,
        body: newDeployment(this.sha, this.opts.environment ?? 'production'),
        completes: false,
        done: (answer) => {
          const id = (answer.body as { id?: unknown } | null)?.id;
          published.deployment = { id: typeof id === 'number' ? id : 0, state: null };
        },
      };
    const record = change.record;
    const environmentUrl = deploymentState(record.state) === 'success' ? await this.opts.environmentUrl() : null;
    const status = deploymentStatusOf(record, this.opts.appId, environmentUrl);
    return {
      what: 'deployments',
      path: `${base}/deployments/${deployment.id}/statuses`,
      body: status,
      completes: true,
      done: () => {
        published.deployment = { ...deployment, state: status.state };
      },
    };
  }

  /** Said once: in the log and on the record; nothing more is posted for this commit. */
  private async refuse(step: Step, answer: Extract<GitHubAnswer, { kind: 'refused' }>): Promise<void> {
    const reason = msg.gitHubCannotWrite(step.what, this.opts.repo, answer.status, answer.reason);
    this.published = { ...(this.published ?? nothingPublished(this.opts.repo)), refused: reason };
    this.queue.length = 0;
    this.opts.log?.('publish refused', { sha: this.sha, reason });
    await this.persist();
  }

  /** What was published, onto the latest record (after any write the follow queued first). */
  private async persist(): Promise<void> {
    const next = this.chain.then(() =>
      this.latest ? this.store.write({ ...this.latest, published: this.published }) : undefined,
    );
    this.chain = next.catch(() => undefined);
    // The record could not be written (the lease went to another holder, a full disk): the follow says so.
    await next.catch((error) =>
      this.opts.log?.('publish unrecorded', { sha: this.sha, err: (error as Error).message }),
    );
  }
}
