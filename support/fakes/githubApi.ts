// A local stand-in for GitHub's REST API as its docs describe the parts deploy-watch uses: commit statuses
// (POST /repos/{owner}/{repo}/statuses/{sha}: 201, 422 on a bad state, a description over 140 characters or an
// unknown sha), Deployments and their statuses (201, 404 for an unknown deployment), GET /repos/{owner}/{repo}
// (doctor's read), Bearer tokens (401 "Bad credentials"), a token without a permission (403 "Resource not
// accessible by personal access token"), another repository (404), x-ratelimit-* headers on every answer,
// x-oauth-scopes for a classic token, and scripted faults (502, 429 with retry-after, a 403 secondary limit).
// It records every request: method, path, body, and the Authorization header it came with.
//
//   const gh = await startGitHub({ token: 'ghp_x…', repo: 'acme/shop' }); // GITHUB_API_URL=gh.url
//   gh.statuses() → the commit statuses it accepted, in order; await gh.close();
import { type ApiFault, type ApiRequest, startFaultyJsonServer } from './faultyJsonServer.js';

export type GitHubRequest = ApiRequest;
export type GitHubFault = ApiFault;

export interface GitHubOptions {
  token: string;
  /** The one repository the token may write to (owner/name). */
  repo: string;
  /** What the token may write (default both). */
  can?: { statuses?: boolean; deployments?: boolean };
  /** x-oauth-scopes on every answer (a classic token); absent: a fine-grained token (GitHub sends none). */
  scopes?: string;
  faults?: GitHubFault[];
  /** Epoch seconds for x-ratelimit-reset (default: an hour from now). */
  now?: () => number;
}

export interface FakeGitHub {
  url: string;
  requests: GitHubRequest[];
  /** The commit statuses it accepted (201), in order. */
  statuses(): Array<{ sha: string; state: string; description: string; context: string; target_url?: string }>;
  /** The Deployments it made, and the statuses each accepted. */
  deployments(): Array<{
    id: number;
    ref: string;
    environment: string;
    body: Record<string, unknown>;
    statuses: Record<string, unknown>[];
  }>;
  close(): Promise<void>;
}

const STATUS_STATES = ['error', 'failure', 'pending', 'success'];
const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

export async function startGitHub(opts: GitHubOptions): Promise<FakeGitHub> {
  const now = opts.now ?? Date.now;
  const accepted: ReturnType<FakeGitHub['statuses']> = [];
  const made: ReturnType<FakeGitHub['deployments']> = [];
  let nextId = 1000;

  const route = (method: string, path: string, body: Record<string, unknown>): [number, unknown] => {
    const m = /^\/repos\/([^/]+\/[^/]+)(\/.*)?$/.exec(path);
    if (!m || m[1] !== opts.repo) return [404, { message: 'Not Found' }];
    const rest = m[2] ?? '';
    if (method === 'GET' && rest === '')
      return [200, { full_name: opts.repo, permissions: { admin: false, push: true, pull: true } }];
    const status = /^\/statuses\/([^/]+)$/.exec(rest);
    if (method === 'POST' && status) {
      if (opts.can?.statuses === false) return [403, { message: 'Resource not accessible by personal access token' }];
      const sha = status[1]!;
      if (!/^[0-9a-f]{40}$/.test(sha)) return [422, { message: `No commit found for SHA: ${sha}` }];
      if (!STATUS_STATES.includes(body.state as string)) return [422, { message: 'Validation Failed' }];
      if (typeof body.description === 'string' && body.description.length > 140)
        return [422, { message: 'Validation Failed', errors: [{ field: 'description', code: 'custom' }] }];
      const entry = {
        sha,
        state: body.state as string,
        description: body.description as string,
        context: (body.context as string) ?? 'default',
        ...(typeof body.target_url === 'string' ? { target_url: body.target_url } : {}),
      };
      accepted.push(entry);
      return [201, { id: nextId++, ...entry, created_at: new Date(now()).toISOString() }];
    }
    if (method === 'POST' && rest === '/deployments') {
      if (opts.can?.deployments === false)
        return [403, { message: 'Resource not accessible by personal access token' }];
      if (typeof body.ref !== 'string') return [422, { message: 'Validation Failed' }];
      const deployment = {
        id: nextId++,
        ref: body.ref,
        environment: (body.environment as string) ?? 'production',
        body,
        statuses: [],
      };
      made.push(deployment);
      return [201, { id: deployment.id, sha: body.ref, ref: body.ref, environment: deployment.environment }];
    }
    const dStatus = /^\/deployments\/(\d+)\/statuses$/.exec(rest);
    if (method === 'POST' && dStatus) {
      const deployment = made.find((d) => d.id === Number(dStatus[1]));
      if (!deployment) return [404, { message: 'Not Found' }];
      if (!DEPLOYMENT_STATES.includes(body.state as string)) return [422, { message: 'Validation Failed' }];
      deployment.statuses.push(body);
      return [201, { id: nextId++, ...body }];
    }
    return [404, { message: 'Not Found' }];
  };

  const server = await startFaultyJsonServer({
    faults: opts.faults ?? [],
    route: ({ method, path, authorization }, body) =>
      authorization === `Bearer ${opts.token}` ? route(method, path, body) : [401, { message: 'Bad credentials' }],
    headers: () => ({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(now() / 1000) + 3600),
      ...(opts.scopes !== undefined ? { 'x-oauth-scopes': opts.scopes } : {}),
    }),
  });
  return {
    ...server,
    statuses: () => [...accepted],
    deployments: () => [...made],
  };
}
