// One interface for every way of learning a deployment's fate: DigitalOcean, a database, a health URL.
import type { DeployState, SourceName } from '../core/statusRecord.js';

export interface ObserveContext {
  /** The full sha being watched. */
  sha: string;
  /** The deploy branch it was pushed to. */
  branch: string | null;
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
      /** Build/deploy log text fetched on failure, written to the run's .log file (0600). */
      logText?: string | null;
    }
  | {
      /** This source cannot answer now; the monitor tries the next one. */
      kind: 'unavailable';
      reason: string;
      /** True when retrying is pointless (bad token, not configured): skip it from now on. */
      permanent?: boolean;
      /** The server asked us to wait this long before the next request (429, ratelimit-reset). */
      retryAfterMs?: number;
    };

export interface Source {
  readonly name: SourceName;
  observe(ctx: ObserveContext): Promise<Observation>;
  /** Releases connections; called once when the monitor ends. */
  close?(): Promise<void>;
}
