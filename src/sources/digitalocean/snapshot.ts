// One request per poll where it can: GET /v2/apps/{id} names the active, in-progress and pending deployments.
// A commit whose deployment (or the newer one it is followed into) is among them is answered from the app
// alone; anything else (its deployment ended otherwise, a superseded chain, a deployment not seen yet and a
// newer one created since) needs the list. Pure, so the rules are tested on plain JSON.
import { builtFrom, mapPhase } from './match.js';
import { deploymentSchema, type App, type Deployment } from './schema.js';

export interface Snapshot {
  /** The app's active, in-progress and pending deployments, newest first, each once. */
  deployments: Deployment[];
  /** `last_deployment_created_at` in ms; null when the answer leaves it out. */
  lastCreatedMs: number | null;
}

/** What the source knows of a commit, as far as the app answer is concerned. */
export interface Known {
  /** The deployment followed for it: its own, or the newer one that replaced it. */
  wanted: Deployment | null;
  /**
   * When it has no deployment yet: the newest creation time in the list that did not have one for it
   * (-Infinity for an empty list); null while no list was read for it.
   */
  noneUntil: number | null;
}

export type FromApp = { kind: 'found'; deployment: Deployment } | { kind: 'none-yet' } | null;

export function snapshotOf(app: App): Snapshot {
  const seen = new Map<string, Deployment>();
  for (const raw of [app.in_progress_deployment, app.pending_deployment, app.active_deployment]) {
    const parsed = raw ? deploymentSchema.safeParse(raw) : null;
    if (parsed?.success && !seen.has(parsed.data.id)) seen.set(parsed.data.id, parsed.data);
  }
  const lastCreatedMs = Date.parse(app.last_deployment_created_at ?? '');
  return {
    deployments: [...seen.values()].sort((a, b) => createdMs(b) - createdMs(a)),
    lastCreatedMs: Number.isFinite(lastCreatedMs) ? lastCreatedMs : null,
  };
}

/** The commit's answer from the app alone, or null when only the list can tell. */
export function answerFromApp(snapshot: Snapshot, known: Known, sha: string): FromApp {
  const { deployments, lastCreatedMs } = snapshot;
  const usable = (d: Deployment | undefined) => (d && mapPhase(d.phase) !== 'follow' ? d : null);
  if (known.wanted) {
    const d = usable(deployments.find((x) => x.id === known.wanted?.id));
    return d ? { kind: 'found', deployment: d } : null;
  }
  const own = usable(deployments.find((x) => builtFrom(x, sha)));
  if (own) return { kind: 'found', deployment: own };
  if (known.noneUntil === null) return null;
  // No deployment created since the list that had none for this commit: the list would say the same.
  if (lastCreatedMs !== null) return lastCreatedMs <= known.noneUntil ? { kind: 'none-yet' } : null;
  return deployments.length === 0 && known.noneUntil === -Infinity ? { kind: 'none-yet' } : null;
}

/** The newest creation time in a list, for `noneUntil` (-Infinity when it is empty or has none). */
export function newestCreated(list: readonly Deployment[]): number {
  return list.reduce((newest, d) => Math.max(newest, createdMs(d)), -Infinity);
}

/**
 * Would the app alone have answered every commit, going by this list? The active, in-progress and pending
 * deployments are worked out from it the way App Platform names them; a commit whose deployment is outside
 * those three, or was superseded, keeps the next poll on the list. A guess that only costs requests when wrong.
 */
export function appWouldAnswer(
  list: readonly Deployment[],
  commits: ReadonlyArray<[sha: string, known: Known]>,
): boolean {
  const newest = (phases: readonly string[]) => list.find((d) => phases.includes(d.phase ?? 'UNKNOWN'))?.id;
  const named = new Set(
    [
      newest(['ACTIVE']),
      newest(['BUILDING', 'PENDING_DEPLOY', 'DEPLOYING']),
      newest(['PENDING_BUILD', 'UNKNOWN']),
    ].filter(Boolean),
  );
  return commits.every(([sha, known]) => {
    const d = known.wanted ? list.find((x) => x.id === known.wanted?.id) : list.find((x) => builtFrom(x, sha));
    if (!d) return known.wanted === null;
    const state = mapPhase(d.phase);
    if (state === 'follow') return false;
    // An ended deployment ends its commit in this poll: it will not be asked about again.
    return state === 'failed' || state === 'canceled' || state === 'success' || named.has(d.id);
  });
}

function createdMs(d: Deployment): number {
  const ms = Date.parse(d.created_at ?? '');
  return Number.isFinite(ms) ? ms : -Infinity;
}
