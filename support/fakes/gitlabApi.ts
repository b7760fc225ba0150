// A local stand-in for GitLab's REST API (v4) as its docs describe the parts deploy-watch uses: commit
// statuses (POST /projects/:id/statuses/:sha, `:id` the URL-encoded "group/name" path or the number: 201; 400
// on a state GitLab does not know, and "Cannot transition status via :run from :running" when a name repeats
// its state or steps back), GET /projects/:id (doctor's read, with the token's access level), a PRIVATE-TOKEN
// header or Authorization: Bearer (401 "401 Unauthorized"), a token below the Developer role (403 "403
// Forbidden"), another project (404 "404 Project Not Found"), and scripted faults (5xx, 429 with Retry-After
// or RateLimit-Reset). It records every request, with the credentials it came with.
//
//   const gl = await startGitLab({ token: 'glpat-…', project: 'acme/shop' }); // GITLAB_API_URL=gl.url
//   gl.statuses() → the commit statuses it accepted, in order; await gl.close();
import { type ApiFault, type JsonServer, startFaultyJsonServer } from './faultyJsonServer.js';

export interface GitLabOptions {
  token: string;
  /** The one project the token may see ("group/name"); it also answers to `id`. */
  project: string;
  id?: number;
  /** The token's role in the project (default 30, Developer; 20 Reporter cannot post statuses). */
  accessLevel?: number;
  faults?: ApiFault[];
}

export interface GitLabStatus {
  sha: string;
  state: string;
  name: string;
  description?: string;
  target_url?: string;
}

export interface FakeGitLab extends JsonServer {
  /** The commit statuses it accepted (201), in order. */
  statuses(): GitLabStatus[];
}

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
/** GitLab's state machine for a generic commit status: what each state may go to. */
const NEXT: Record<string, string[]> = {
  pending: ['running', 'success', 'failed', 'canceled', 'skipped'],
  running: ['success', 'failed', 'canceled'],
};
const EVENT: Record<string, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
  skipped: 'skip',
};

export async function startGitLab(opts: GitLabOptions): Promise<FakeGitLab> {
  const id = opts.id ?? 4242;
  const accepted: GitLabStatus[] = [];
  const current = new Map<string, string>();
  const authorised = (privateToken: string | null, authorization: string | null) =>
    privateToken === opts.token || authorization === `Bearer ${opts.token}`;

  const route = (method: string, path: string, body: Record<string, unknown>): [number, unknown] => {
    // Served at the root, or under /api/v4 as GitLab is (GITLAB_API_URL=<url>/api/v4).
    const m = /^(?:\/api\/v4)?\/projects\/([^/]+)(\/.*)?$/.exec(path);
    const named = m ? decodeURIComponent(m[1]!) : null;
    if (named !== opts.project && named !== String(id)) return [404, { message: '404 Project Not Found' }];
    const rest = m![2] ?? '';
    const accessLevel = opts.accessLevel ?? 30;
    if (method === 'GET' && rest === '')
      return [
        200,
        {
          id,
          path_with_namespace: opts.project,
          permissions: { project_access: { access_level: accessLevel, notification_level: 3 }, group_access: null },
        },
      ];
    const status = /^\/statuses\/([^/]+)$/.exec(rest);
    if (method !== 'POST' || !status) return [404, { error: '404 Not Found' }];
    if (accessLevel < 30) return [403, { message: '403 Forbidden' }];
    const sha = status[1]!;
    if (!/^[0-9a-f]{40}$/.test(sha)) return [404, { message: '404 Commit Not Found' }];
    const state = body.state as string;
    if (!STATES.includes(state)) return [400, { error: 'state does not have a valid value' }];
    const name = (body.name as string) ?? (body.context as string) ?? 'default';
    const key = `${sha} ${name}`;
    const was = current.get(key);
    // A finished status is followed by a new one (a retry); an unfinished one must move forward.
    if (was && NEXT[was] && !NEXT[was]!.includes(state))
      return [
        400,
        {
          message: `Cannot transition status via :${EVENT[state]} from :${was} (Reason(s): Status cannot transition via "${EVENT[state]}")`,
        },
      ];
    current.set(key, state);
    const entry: GitLabStatus = {
      sha,
      state,
      name,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      ...(typeof body.target_url === 'string' ? { target_url: body.target_url } : {}),
    };
    accepted.push(entry);
    return [201, { id: accepted.length, status: state, ...entry, allow_failure: false }];
  };

  const server = await startFaultyJsonServer({
    faults: opts.faults ?? [],
    route: ({ method, path, privateToken, authorization }, body) =>
      authorised(privateToken, authorization) ? route(method, path, body) : [401, { message: '401 Unauthorized' }],
    headers: () => ({ 'ratelimit-limit': '2000', 'ratelimit-remaining': '1999' }),
  });
  return { ...server, statuses: () => [...accepted] };
}
