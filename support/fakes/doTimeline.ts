// The scripted world behind the fake App Platform API: deployments whose phase moves over time,
// and the JSON DigitalOcean documents for them (deployments, progress steps with counters left out at zero).

export type Phase =
  | 'UNKNOWN'
  | 'PENDING_BUILD'
  | 'BUILDING'
  | 'PENDING_DEPLOY'
  | 'DEPLOYING'
  | 'ACTIVE'
  | 'ERROR'
  | 'CANCELED'
  | 'SUPERSEDED';

export interface FakeDeployment {
  id: string;
  /** The commit it was built from. */
  sha: string;
  /** [ms after start, phase]; the first entry is when it appears in the list. */
  phases: Array<[number, Phase]>;
  /** Which component list names the commit (default services); `cause: false` leaves out cause_details. */
  component?: 'services' | 'workers' | 'jobs' | 'static_sites';
  cause?: boolean;
  /** Log text per stage; a stage without text answers 400 ("never ran"), as DigitalOcean does. */
  logs?: { BUILD?: string; DEPLOY?: string };
  /** Where an ERROR happened (default build). */
  failedIn?: 'build' | 'deploy';
  /**
   * The reason DigitalOcean gives on the failed stage step itself ("Your build job failed during the build
   * phase."); the component under it then carries none. Default: the reason on the component only.
   */
  stageReason?: { code: string; message: string };
  /** Until this many ms after start, `historic_urls` is empty: the logs are not archived yet. */
  archivedAt?: number;
  /** The same per stage (e.g. a DEPLOY log slow to archive while the BUILD log is there). */
  archivedAtByType?: { BUILD?: number; DEPLOY?: number };
  /** Every pre-signed log URL of this deployment answers this status (e.g. 403: expired or denied). */
  logUrlStatus?: number;
  /** The live BUILD log: [ms after start, line]; served at `live_url` while the deployment runs. */
  live?: Array<[number, string]>;
  /**
   * Each phase is answered at least once before the next one begins, however late its time comes: a
   * monitor that starts slowly on a busy machine still sees every phase, in order, instead of racing the clock.
   */
  holdEachPhase?: boolean;
}

export interface Fault {
  /** Substring of "path?query" that the fault applies to (default: every API request). */
  match?: string;
  /** How many requests it answers (default 1). */
  times?: number;
  status?: number;
  headers?: Record<string, string>;
  /** Raw body (bad JSON allowed). */
  body?: string;
  /** Wait this long before answering (with status unset: then answer normally). */
  delayMs?: number;
  /** Never answer: the request stays open until the server closes (a hung API; the test sees it in `requests`). */
  hold?: boolean;
  /** Active only before this many ms after start (default: always). */
  until?: number;
  /** Active only from this many ms after start (default: from the start). */
  from?: number;
  /** Answers only every n-th request it matches (e.g. 7: a 500 every 7th request). */
  every?: number;
}

export interface Timeline {
  appId: string;
  token: string;
  deployments: FakeDeployment[];
  faults?: Fault[];
  /** The app's spec as GET /v2/apps/{id} answers it (default: one service deployed on push to main). */
  spec?: Record<string, unknown>;
  /** More apps on the same account and token, each with its own deployments and spec. */
  apps?: FakeApp[];
}

export interface FakeApp {
  appId: string;
  deployments: FakeDeployment[];
  spec?: Record<string, unknown>;
  /** GET /v2/apps/{id} answers this status instead of the app (its deployments still answer). */
  specStatus?: number;
}

/** A spec whose one service deploys on a push to `branch` (what App Platform makes of a GitHub app). */
export function pushSpec(name: string, branch = 'main', deployOnPush = true): Record<string, unknown> {
  return { name, services: [{ name: 'api', github: { repo: 'acme/app', branch, deploy_on_push: deployOnPush } }] };
}

export const FINAL_PHASES: ReadonlySet<Phase> = new Set(['ACTIVE', 'ERROR', 'CANCELED', 'SUPERSEDED']);

export function phaseAt(d: FakeDeployment, t: number): Phase | null {
  let phase: Phase | null = null;
  for (const [at, p] of d.phases) if (t >= at) phase = p;
  return phase;
}

const ORDER: Phase[] = ['PENDING_BUILD', 'BUILDING', 'PENDING_DEPLOY', 'DEPLOYING', 'ACTIVE'];

type Status = 'PENDING' | 'RUNNING' | 'SUCCESS' | 'ERROR';

function stageStatus(stage: 'build' | 'deploy', phase: Phase, d: FakeDeployment): Status {
  if (phase === 'ERROR') {
    const failed = d.failedIn ?? 'build';
    if (stage === failed) return 'ERROR';
    return stage === 'build' ? 'SUCCESS' : 'PENDING';
  }
  const i = ORDER.indexOf(phase);
  const [running, done] = stage === 'build' ? [1, 2] : [3, 4];
  if (i >= done || (stage === 'build' && i >= 2)) return 'SUCCESS';
  if (i === running) return 'RUNNING';
  return 'PENDING';
}

export function deploymentJson(d: FakeDeployment, t: number, startMs: number): Record<string, unknown> {
  const phase = phaseAt(d, t) ?? 'UNKNOWN';
  const appearedAt = new Date(startMs + (d.phases[0]?.[0] ?? 0)).toISOString();
  const steps = (['build', 'deploy'] as const).map((stage) => {
    const status = stageStatus(stage, phase, d);
    const leaf: Record<string, unknown> = {
      name: 'api',
      status,
      component_name: 'api',
      message_base: stage === 'build' ? 'Building service' : 'Deploying service',
    };
    const stageReason = status === 'ERROR' && d.stageReason ? { reason: d.stageReason } : {};
    if (status === 'ERROR' && !d.stageReason)
      leaf.reason = {
        code: stage === 'build' ? 'BuildJobExitNonZero' : 'DeployContainerHealthChecksFailed',
        message:
          stage === 'build'
            ? 'Your build job failed because it returned a non-zero exit code.'
            : 'Your deploy failed health checks.',
      };
    return {
      name: stage,
      status,
      ...stageReason,
      steps: [
        { name: 'initialize', status: status === 'PENDING' ? 'PENDING' : 'SUCCESS' },
        { name: 'components', status, steps: [leaf] },
      ],
    };
  });
  const counts: Record<string, number> = {};
  for (const s of steps)
    counts[`${s.status.toLowerCase()}_steps`] = (counts[`${s.status.toLowerCase()}_steps`] ?? 0) + 1;
  const progress: Record<string, unknown> = {
    total_steps: steps.length,
    steps,
    summary_steps: steps.map((s) => ({ name: s.name, status: s.status })),
  };
  Object.assign(progress, counts); // only counters above zero: godo's omitempty leaves zeros out
  const body: Record<string, unknown> = {
    id: d.id,
    spec: {
      name: 'fake-app',
      services: [{ name: 'api', github: { repo: 'acme/app', branch: 'main', deploy_on_push: true } }],
    },
    [d.component ?? 'services']: [{ name: 'api', source_commit_hash: d.sha }],
    cause: `commit ${d.sha.slice(0, 7)} pushed to github/acme/app`,
    phase,
    phase_last_updated_at: appearedAt,
    created_at: appearedAt,
    updated_at: new Date(startMs + t).toISOString(),
    tier_slug: 'basic',
    progress,
    some_future_field: { added: 'by DigitalOcean later' },
  };
  if (d.cause !== false) {
    body.cause_details = {
      type: 'DEPLOY_ON_PUSH',
      git_push: {
        github: { repo: 'acme/app', branch: 'main', deploy_on_push: true },
        username: 'dev',
        commit_sha: d.sha,
        commit_message: 'change',
      },
    };
  }
  return body;
}

/** Visible deployments at time t, newest first (the order App Platform lists them in). */
export function visible(deployments: FakeDeployment[], t: number): FakeDeployment[] {
  return deployments
    .filter((d) => phaseAt(d, t) !== null)
    .sort((a, b) => (b.phases[0]?.[0] ?? 0) - (a.phases[0]?.[0] ?? 0));
}

/** A deployment that is building or deploying: what `in_progress_deployment` names. */
const IN_PROGRESS: ReadonlySet<Phase> = new Set(['BUILDING', 'PENDING_DEPLOY', 'DEPLOYING']);

/**
 * GET /v2/apps/{id}'s `app` (OAS models/app.yml): the spec, and the deployments a monitor cares about at
 * time t: the one served (newest ACTIVE), the one building or deploying, the most recent pending one, and
 * `last_deployment_created_at` (left out while the app has no deployment).
 */
export function appJson(app: FakeApp, list: FakeDeployment[], t: number, startMs: number): Record<string, unknown> {
  const newest = (test: (p: Phase | null) => boolean) => list.find((d) => test(phaseAt(d, t)));
  const json = (d: FakeDeployment | undefined) => (d ? deploymentJson(d, t, startMs) : undefined);
  const active = json(newest((p) => p === 'ACTIVE'));
  const inProgress = json(newest((p) => p !== null && IN_PROGRESS.has(p)));
  const pending = json(newest((p) => p === 'PENDING_BUILD' || p === 'UNKNOWN'));
  const last = list[0];
  return {
    id: app.appId,
    spec: app.spec ?? pushSpec(app.appId),
    live_url: `https://${app.appId}.ondigitalocean.app`,
    created_at: new Date(startMs - 86_400_000).toISOString(),
    updated_at: new Date(startMs).toISOString(),
    tier_slug: 'basic',
    ...(active ? { active_deployment: active } : {}),
    ...(inProgress ? { in_progress_deployment: inProgress } : {}),
    ...(pending ? { pending_deployment: pending } : {}),
    ...(last ? { last_deployment_created_at: new Date(startMs + (last.phases[0]?.[0] ?? 0)).toISOString() } : {}),
  };
}

export type Endpoint = 'app' | 'list' | 'deployment' | 'logs' | 'historic' | 'live' | 'other';

/** Which endpoint a request path is, for counting requests per kind. */
export function endpointOf(path: string): Endpoint {
  if (path.startsWith('/historic/')) return 'historic';
  if (path.startsWith('/live/')) return 'live';
  if (/^\/v2\/apps\/[^/]+$/.test(path)) return 'app';
  if (/^\/v2\/apps\/[^/]+\/deployments$/.test(path)) return 'list';
  if (/^\/v2\/apps\/[^/]+\/deployments\/[^/]+$/.test(path)) return 'deployment';
  if (/^\/v2\/apps\/[^/]+\/deployments\/[^/]+\/logs$/.test(path)) return 'logs';
  return 'other';
}
