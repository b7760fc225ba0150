// The status record: one JSON file per commit that people, agents and the monitor share.
// Validated by hand (not zod) because `check` reads it on every call and must start fast.
import type { AppRef } from '../kernel/config/config.js';

export const RECORD_VERSION = 1;

export const STATES = [
  'pending',
  'building',
  'deploying',
  'success',
  'failed',
  'canceled',
  'superseded',
  'timeout',
  'stopped',
] as const;
export type DeployState = (typeof STATES)[number];

/** Every state but these three ends the run. */
const IN_PROGRESS_STATES: readonly DeployState[] = ['pending', 'building', 'deploying'];
export const FINAL_STATES: ReadonlySet<DeployState> = new Set(STATES.filter((s) => !IN_PROGRESS_STATES.includes(s)));
export const SOURCES = ['digitalocean', 'database', 'health'] as const;
export type SourceName = (typeof SOURCES)[number];

export interface StatusRecord {
  version: number;
  sha: string;
  branch: string | null;
  remote: string | null;
  state: DeployState;
  source: SourceName | null;
  deploymentId: string | null;
  phase: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  pid: number | null;
  polls: number;
  message: string | null;
  logFile: string | null;
  /**
   * Optional (added within version 1; older records lack it): where the provider's logs stand after a
   * failure. `fetching` while the monitor still fetches them after recording the outcome; `missing` with
   * why, once its budget ran out (`deploy-watch logs <sha>` fetches them later).
   */
  logs?: LogStatus | null;
  /** Optional (added within version 1): set on a `stopped` record when no monitor could start, with the fix. */
  startFailed?: string | null;
  /**
   * Optional (added within version 1): set on a `stopped` record when the monitor gave up because no source
   * can ever answer as things stand (a rejected token, an unknown app id, …): why, with the fix. Resuming
   * repeats it until that is fixed.
   */
  cause?: string | null;
  /**
   * Optional (added within version 1): with several App Platform apps configured, the app this record's
   * deploymentId and phase belong to (the one that failed, or the least advanced); null once all are live.
   */
  app?: AppRef | null;
  /** Optional (added within version 1): the machine of the process in `pid` (team mode: the poller's host). */
  host?: string | null;
  /** Optional (added within version 1): who handed the commit over first (git's user.name), and from where. */
  pushedBy?: string | null;
  pushedFrom?: string | null;
  /**
   * Optional (added within version 1): while in progress, when the watcher polls and writes this record next
   * at the latest (ISO); `check` calls a live watcher frozen once its record is well past it.
   */
  nextPollBy?: string | null;
  /**
   * Optional (added within version 1): on a `stopped` record that a person or agent stopped, who and how
   * (`manage stop --all by alice@laptop`).
   */
  stoppedBy?: string | null;
  /**
   * Optional (added within version 1): what was published to GitHub for this commit, so a watcher that takes
   * it on (a new lease holder) does not post it again; and why publishing stopped, when it did.
   */
  published?: Published | null;
}

export interface Published {
  /** The repository (owner/name) it went to. */
  repo: string;
  /** Per context, the last commit status GitHub accepted (`state: description`). */
  statuses: Record<string, string>;
  /** The GitHub Deployment made for the commit, and the state of its last status. */
  deployment: { id: number; state: string | null } | null;
  /** Why publishing stopped for this commit (a token that cannot write), said once. */
  refused: string | null;
  /**
   * Optional (added within version 1): what was published to GitLab. With GitLab only, the GitHub fields
   * above are empty (`repo` "").
   */
  gitlab?: GitLabPublished | null;
}

export interface GitLabPublished {
  /** The project ("group/name", or its id) it went to. */
  project: string;
  /** Per status name, the last state GitLab accepted. */
  statuses: Record<string, string>;
  /** Why publishing to GitLab stopped for this commit, said once. */
  refused: string | null;
}

/** An app as the config names it (its id and name), on the records of several-app pushes. */
export type { AppRef };

export interface LogStatus {
  state: 'fetching' | 'fetched' | 'missing';
  /** While fetching: when the monitor gives up (ISO). */
  until: string | null;
  /** When missing: why. */
  reason: string | null;
  /** Optional (added within version 1): the stages whose text the saved log holds (BUILD, DEPLOY), in order. */
  parts?: string[] | null;
  /** Optional (added within version 1): while fetching, the stages still to come; the saved log has the rest. */
  pending?: string[] | null;
}

/**
 * A fetch still `fetching` this long after its `until` was cut short: its process died (SIGKILL, a crash,
 * a reboot) before writing how it ended. The margin covers the last record write on a busy machine.
 */
export const LOG_FETCH_GRACE_MS = 5_000;

export function logFetchInterrupted(logs: LogStatus | null | undefined, now: number): boolean {
  if (logs?.state !== 'fetching') return false;
  const until = Date.parse(logs.until ?? '');
  return Number.isFinite(until) && now > until + LOG_FETCH_GRACE_MS;
}

export const LOG_STATES = ['fetching', 'fetched', 'missing'] as const;

export const FULL_SHA = /^[0-9a-f]{40}$/;

export function isFinal(state: DeployState): boolean {
  return FINAL_STATES.has(state);
}

export function newRecord(fields: Pick<StatusRecord, 'sha'> & Partial<StatusRecord>, nowIso: string): StatusRecord {
  return {
    version: RECORD_VERSION,
    branch: null,
    remote: null,
    state: 'pending',
    source: null,
    deploymentId: null,
    phase: null,
    startedAt: nowIso,
    updatedAt: nowIso,
    finishedAt: null,
    pid: null,
    polls: 0,
    message: null,
    logFile: null,
    ...fields,
  };
}

type Check = (value: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const strOrNull: Check = (v) => v === null || typeof v === 'string';
const strListOrNull: Check = (v) => v === null || (Array.isArray(v) && v.every(str));
const intOrNull: Check = (v) => v === null || (Number.isInteger(v) && (v as number) > 0);
const FIELDS: Record<
  Exclude<
    keyof StatusRecord,
    | 'logs'
    | 'startFailed'
    | 'cause'
    | 'app'
    | 'host'
    | 'pushedBy'
    | 'pushedFrom'
    | 'nextPollBy'
    | 'stoppedBy'
    | 'published'
  >,
  Check
> = {
  version: (v) => v === RECORD_VERSION,
  sha: (v) => typeof v === 'string' && FULL_SHA.test(v),
  branch: strOrNull,
  remote: strOrNull,
  state: (v) => (STATES as readonly unknown[]).includes(v),
  source: (v) => v === null || (SOURCES as readonly unknown[]).includes(v),
  deploymentId: strOrNull,
  phase: strOrNull,
  startedAt: str,
  updatedAt: str,
  finishedAt: strOrNull,
  pid: intOrNull,
  polls: (v) => Number.isInteger(v) && (v as number) >= 0,
  message: strOrNull,
  logFile: strOrNull,
};

/** Fields a version-1 record may lack: checked only when present. */
const OPTIONAL: Record<string, Check> = {
  logs: (v) =>
    v === null ||
    (typeof v === 'object' &&
      (LOG_STATES as readonly unknown[]).includes((v as LogStatus).state) &&
      strOrNull((v as LogStatus).until ?? null) &&
      strOrNull((v as LogStatus).reason ?? null) &&
      strListOrNull((v as LogStatus).parts ?? null) &&
      strListOrNull((v as LogStatus).pending ?? null)),
  startFailed: strOrNull,
  cause: strOrNull,
  app: (v) => v === null || (typeof v === 'object' && str((v as AppRef).id) && str((v as AppRef).name)),
  host: strOrNull,
  pushedBy: strOrNull,
  pushedFrom: strOrNull,
  nextPollBy: strOrNull,
  stoppedBy: strOrNull,
  published: (v) =>
    v === null ||
    (typeof v === 'object' &&
      str((v as Published).repo) &&
      typeof (v as Published).statuses === 'object' &&
      (v as Published).statuses !== null &&
      strOrNull((v as Published).refused ?? null) &&
      isGitLabPublished((v as Published).gitlab ?? null)),
};

function isGitLabPublished(v: unknown): boolean {
  if (v === null) return true;
  const part = v as GitLabPublished;
  return (
    typeof v === 'object' &&
    str(part.project) &&
    typeof part.statuses === 'object' &&
    part.statuses !== null &&
    strOrNull(part.refused ?? null)
  );
}

/** Parses a record's text; returns the reason when it is not a valid record of this version. */
export function parseRecord(text: string): { ok: true; record: StatusRecord } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not valid JSON' }; // not swallowed: the caller reports the record corrupt, with why
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not a JSON object' };
  const obj = value as Record<string, unknown>;
  if (obj.version !== RECORD_VERSION) {
    return { ok: false, reason: `schema version ${JSON.stringify(obj.version)} is not ${RECORD_VERSION}` };
  }
  for (const [key, check] of Object.entries(FIELDS)) {
    if (!check(obj[key])) return { ok: false, reason: `field "${key}" is missing or invalid` };
  }
  for (const [key, check] of Object.entries(OPTIONAL)) {
    if (key in obj && !check(obj[key])) return { ok: false, reason: `field "${key}" is invalid` };
  }
  return { ok: true, record: obj as unknown as StatusRecord };
}

/** The one way a record ends: the state, why, when, and no follower any more. */
export function finalRecord(
  record: StatusRecord,
  state: DeployState,
  message: string | null,
  nowIso: string,
  extra: Partial<StatusRecord> = {},
): StatusRecord {
  const { nextPollBy: _polled, ...rest } = record;
  return { ...rest, state, message, updatedAt: nowIso, finishedAt: nowIso, pid: null, ...extra };
}
