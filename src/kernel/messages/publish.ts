// Publishing outcomes to GitHub (src/publish/): commit statuses, Deployments, and why they could not be posted.
import { printable } from './common.js';

export const STATUS_WAITING = 'Waiting for App Platform to start the deployment';
export const STATUS_BUILDING = 'Building on App Platform';
export const STATUS_DEPLOYING = 'Deploying on App Platform';
export const STATUS_LIVE = 'Deployed: live on App Platform';
export const STATUS_DEPLOYED = 'Deployed';
export const statusEnded = (state: string) => `Deployment ${state}`;
export const gitHubAnswered = (status: number, said: string) =>
  `HTTP ${status}${said ? `: ${printable(said, 200)}` : ''}`;
/** What a token needs for each kind of write, as GitHub names the fine-grained permission. */
export const GITHUB_PERMISSION = { statuses: 'Commit statuses', deployments: 'Deployments' } as const;
export const gitHubCannotWrite = (
  what: keyof typeof GITHUB_PERMISSION,
  repo: string,
  status: number,
  answer: string,
) => {
  const words = what === 'statuses' ? 'commit statuses' : 'deployments';
  const permission = `${GITHUB_PERMISSION[what]}: write`;
  if (status === 401)
    return `GitHub rejected the token (${answer}): set GITHUB_TOKEN (or GH_TOKEN) to a valid token with ${permission} on ${repo}`;
  if (status === 403 || status === 404)
    return `the token cannot write ${words} to ${repo} (${answer}): give it ${permission}${status === 404 ? `, or set github.repo if ${repo} is not the repository` : ''}`;
  return `GitHub refused the ${what === 'statuses' ? 'commit status' : 'deployment'} for ${repo} (${answer})`;
};
/** `seconds` null: the watcher was stopped, and its last word had one try. */
export const publishGaveUp = (service: 'GitHub' | 'GitLab', seconds: number | null, reason: string) =>
  `${service} did not take the outcome ${seconds === null ? 'before the watcher stopped' : `within ${seconds}s after it was recorded`} (${reason}); the outcome on record stands`;
export const GITHUB_NO_TOKEN = 'off: neither GITHUB_TOKEN nor GH_TOKEN is set';
export const GITHUB_NO_TOKEN_FIX =
  'To show outcomes beside each commit on GitHub, export GITHUB_TOKEN (or GH_TOKEN) with Commit statuses: write (fine-grained) or repo:status (classic).';
export const GITHUB_STATUSES_OFF = 'off: github.statuses is false';
export const GITHUB_NO_REPO =
  'no GitHub repository: github.repo is not set, the remote is not a GitHub URL, and the app spec names none';
export const GITHUB_NO_REPO_FIX = 'Set github.repo ("owner/name") in deploy-watch.config.json.';
export const gitHubCanWrite = (repo: string, from: string, what: string, classic: boolean) =>
  classic
    ? `the token can write ${what} to ${repo} (repository from ${from})`
    : `the token reads ${repo} (repository from ${from}); GitHub does not tell a fine-grained token's permissions: it needs ${what} write, and a refusal shows here once a push is followed`;
export const gitHubUnreachable = (apiUrl: string, reason: string) =>
  `cannot reach ${apiUrl}: ${printable(reason, 200)}`;
export const GITHUB_UNREACHABLE_FIX =
  'Check the network, or GITHUB_API_URL (GitHub Enterprise Server: https://<host>/api/v3).';
export const GITHUB_REPO_RULE = 'must be "owner/name" (letters, digits, ".", "-", "_")';
export const GITHUB_TOKEN_FIX =
  'Give the token Commit statuses: write (and Deployments: write with github.deployments) on the repository (classic tokens: repo:status, repo_deployment), or set github.repo to the repository it may write to.';
// GitLab (gitlab section, GITLAB_TOKEN)
export const GITLAB_TOKEN_NEEDS = 'the api scope (a project access token with the Developer role)';
export const gitLabCannotWrite = (project: string, status: number, answer: string) => {
  if (status === 401)
    return `GitLab rejected the token (${answer}): set GITLAB_TOKEN to a valid token with ${GITLAB_TOKEN_NEEDS} on ${project}`;
  if (status === 403 || status === 404)
    return `the token cannot write commit statuses to ${project} on GitLab (${answer}): give it ${GITLAB_TOKEN_NEEDS}${status === 404 ? `, or set gitlab.project if ${project} is not the project` : ''}`;
  return `GitLab refused the commit status for ${project} (${answer})`;
};
export const GITLAB_NO_TOKEN = 'off: GITLAB_TOKEN is not set';
export const GITLAB_NO_TOKEN_FIX = `To show outcomes beside each commit on GitLab, export GITLAB_TOKEN with ${GITLAB_TOKEN_NEEDS}.`;
export const GITLAB_OFF = 'off: gitlab is not configured (add "gitlab": {} to deploy-watch.config.json)';
export const GITLAB_STATUSES_OFF = 'off: gitlab.statuses is false';
export const GITLAB_NO_PROJECT =
  'no GitLab project: gitlab.project is not set, the remote is not a URL on the GitLab host, and the app spec names none';
export const GITLAB_NO_PROJECT_FIX = 'Set gitlab.project ("group/name" or the project id) in deploy-watch.config.json.';
export const gitLabCanRead = (project: string, from: string) =>
  `the token reads ${project} (project from ${from}); it needs ${GITLAB_TOKEN_NEEDS} to write commit statuses, and a refusal shows here once a push is followed`;
export const GITLAB_UNREACHABLE_FIX = 'Check the network, or GITLAB_API_URL (self-managed: https://<host>/api/v4).';
export const GITLAB_TOKEN_FIX = `Give GITLAB_TOKEN ${GITLAB_TOKEN_NEEDS} on the project, or set gitlab.project to the project it may write to.`;
export const GITLAB_PROJECT_RULE = 'must be "group/name" (subgroups allowed) or a project id';
