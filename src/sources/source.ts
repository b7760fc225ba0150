// One interface for every way of learning a deployment's fate: DigitalOcean, a database, a health URL.
import type { AppRef, DeployState, SourceName } from '../store/statusRecord.js';
import type { LogPart } from '../store/logParts.js';

export interface ObserveContext {
  /** The full sha being watched. */
  sha: string;
  /** The deploy branch it was pushed to. */
  branch: string | null;
  /** The remote it was pushed to (fetched from when a replacing deployment's commit is not known locally). */
  remote?: string | null;
  /** Aborts a slow request when the monitor stops. */
  signal?: AbortSignal;
}

/** What one poll of one source saw. */
export type Observation =
  | {
      kind: 'state';
      state: DeployState;
      /** The provider's own word (ACTIVE, BUILDING, a DB status value, "HTTP 200"). */
      phase: string | null;
      deploymentId: string | null;
      message?: string | null;
      /** With several apps: the app deploymentId and phase belong to; null when they speak for all. */
      app?: AppRef | null;
    }
  | {
      /** This source cannot answer now; the monitor tries the next one. */
      kind: 'unavailable';
      reason: string;
      /** True when retrying is pointless (bad token, not configured): skip it from now on. */
      permanent?: boolean;
      /** The server asked us to wait this long before the next request (429, ratelimit-reset). */
      retryAfterMs?: number;
      /** The source saw the app up but cannot say which commit it serves (a health endpoint naming none). */
      up?: boolean;
    };

/** A finished deployment's logs, as far as they could be fetched. */
export interface FetchedLogs {
  /** Every stage that ran, in order; a stage that could not be fetched says why. */
  parts: LogPart[];
  /** False when some stage's log is missing; then `reason` says why. */
  complete: boolean;
  reason: string | null;
}

export interface LogRequest {
  deploymentId: string;
  budgetMs: number;
  sleep(ms: number): Promise<void>;
  signal?: AbortSignal;
  /** Each stage as it ends (its text or why not), with the stages still to come: partial logs are shown at once. */
  onPart?: OnLogPart;
}

export type OnLogPart = (parts: readonly LogPart[], pending: readonly string[]) => Promise<void>;

/** A deployment as the list shows it, for `serve` to find the ones no hook announced. */
export interface SeenDeployment {
  id: string;
  /** Its commit (full or abbreviated, lower case), or null (an image deployment, a spec change without git). */
  commit: string | null;
  /** ISO; null when the provider left it out. */
  createdAt: string | null;
  /** Who caused it, as the provider says (the commit's author, the git user, the dashboard user), or null. */
  by: string | null;
}

export interface Source {
  readonly name: SourceName;
  observe(ctx: ObserveContext): Promise<Observation>;
  /** Fetches a failed or canceled deployment's logs within the budget (sources that have logs). */
  fetchLogs?(req: LogRequest): Promise<FetchedLogs>;
  /**
   * The newest deployments, from the list every poll already reads (shared through its cache, so a look made
   * on the poll grid costs no second request); null when the provider cannot answer now.
   */
  recent?(signal?: AbortSignal): Promise<SeenDeployment[] | null>;
  /**
   * How long before the next poll may ask this source without overspending its budget (the rate-limit pace):
   * the loop sleeps at least this long after a poll it answered. 0 or absent: no constraint.
   */
  paceMs?(): number;
  /** Drops what the source keeps about a commit it no longer needs to answer for. */
  forget?(sha: string): void;
  /** Releases connections; called once when the watcher ends. */
  close?(): Promise<void>;
  /**
   * The longest one observe() may take (its configured timeouts), so the record's next-poll promise holds and
   * `check` does not call a watcher frozen while it waits on a slow endpoint. Absent: a few seconds.
   */
  readonly maxPollMs?: number;
}
