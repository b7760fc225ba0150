// Pure functions over Deployment objects: which one is this commit's, what its phase means for us,
// and which step failed. No I/O here, so they are tested on plain JSON.
import type { DeployState } from '../../store/statusRecord.js';
import type { SeenDeployment } from '../source.js';
import type { Deployment, Step } from './schema.js';

const PHASES: Record<string, DeployState | 'follow'> = {
  UNKNOWN: 'pending',
  PENDING_BUILD: 'pending',
  BUILDING: 'building',
  PENDING_DEPLOY: 'deploying',
  DEPLOYING: 'deploying',
  ACTIVE: 'success',
  ERROR: 'failed',
  CANCELED: 'canceled',
  SUPERSEDED: 'follow',
};

/** An unknown future phase is treated as still pending, never as an outcome. */
export function mapPhase(phase: string | undefined): DeployState | 'follow' {
  return PHASES[phase ?? 'UNKNOWN'] ?? 'pending';
}

/** Every commit a deployment was built from: each component's hash and, when present, the push's sha. */
export function commitsOf(d: Deployment): string[] {
  const out = new Set<string>();
  for (const list of [d.services, d.workers, d.jobs, d.static_sites, d.functions]) {
    for (const c of list ?? []) if (c.source_commit_hash) out.add(c.source_commit_hash.toLowerCase());
  }
  const pushed = d.cause_details?.git_push?.commit_sha;
  if (pushed) out.add(pushed.toLowerCase());
  return [...out];
}

/** Full or abbreviated (≥ 7 hex digits) hashes both count. */
export function builtFrom(d: Deployment, sha: string): boolean {
  return commitsOf(d).some((c) => c === sha || (c.length >= 7 && sha.startsWith(c)));
}

/** The main commit of a deployment (the push's sha, else the first component's). */
export function commitOf(d: Deployment): string | null {
  return d.cause_details?.git_push?.commit_sha?.toLowerCase() ?? commitsOf(d)[0] ?? null;
}

/** The deployment as `serve` needs it: id, commit, when, and who caused it. */
export function seenOf(d: Deployment): SeenDeployment {
  return { id: d.id, commit: commitOf(d), createdAt: d.created_at ?? null, by: causedBy(d) };
}

/** The commit's author or git user for a push; the DigitalOcean user for a dashboard action; else null. */
function causedBy(d: Deployment): string | null {
  const details = (d.cause_details ?? {}) as {
    git_push?: { commit_author?: unknown; username?: unknown } | null;
    digitalocean_user_action?: { user?: { full_name?: unknown } | null } | null;
  };
  const names = [
    details.git_push?.commit_author,
    details.git_push?.username,
    details.digitalocean_user_action?.user?.full_name,
  ];
  const name = names.find((n): n is string => typeof n === 'string' && n.trim() !== '');
  return name?.trim().slice(0, 200) ?? null;
}

/** "3/6 steps done" from the progress counters (a zero counter is absent from the JSON). */
export function progressText(d: Deployment): string | null {
  const total = d.progress?.total_steps;
  if (!total) return null;
  const errors = d.progress?.error_steps ?? 0;
  return `${d.progress?.success_steps ?? 0}/${total} steps done${errors ? `, ${errors} failed` : ''}`;
}

/** "build › components › api (Building service api): reason" for the deepest step in ERROR. */
export function failedStep(d: Deployment): string | null {
  const path = findError(d.progress?.steps ?? [], []);
  if (!path) return null;
  const leaf = path[path.length - 1]!;
  const label = [leaf.message_base, leaf.component_name].filter(Boolean).join(' ');
  // DigitalOcean's own words may sit on the failed stage ("Your build job failed during the build phase.")
  // rather than on the component under it: every distinct reason on the way down, the stage's first.
  const reasons = [...new Set(path.map((s) => s.reason?.message ?? s.reason?.code).filter(Boolean))];
  return `${path.map((s) => s.name ?? '?').join(' › ')}${label ? ` (${label})` : ''}${reasons.length ? `: ${reasons.join('; ')}` : ''}`;
}

function findError(steps: Step[], trail: Step[]): Step[] | null {
  for (const step of steps) {
    if (step.status !== 'ERROR') continue;
    return findError(step.steps ?? [], [...trail, step]) ?? [...trail, step];
  }
  return null;
}
