// Messages of the DigitalOcean source, one app or several.

import { BIN, printable } from './common.js';

export const doTimeout = (ms: number) => `DigitalOcean API gave no answer within ${ms} ms; will retry with backoff`;
export const doNetwork = (detail: string) =>
  `DigitalOcean API unreachable (${printable(detail, 160)}); will retry with backoff`;
// No "trying the next source" here: whether there is one is the poll loop's to say (the record lists every source).
export const doDenied = (status: number, detail: string) =>
  status === 401
    ? `DigitalOcean rejected the token (HTTP 401: ${detail}): it is wrong, expired or revoked. Set DIGITALOCEAN_ACCESS_TOKEN (in the environment or ~/.config/deploy-watch/env) to a valid token with app:read scope`
    : `DigitalOcean rejected the token (HTTP ${status}: ${detail}): it lacks the scope for this app. Set DIGITALOCEAN_ACCESS_TOKEN to a token with app:read scope on the app's team`;
export const doRateLimited = (detail: string) =>
  `DigitalOcean rate limit reached (${detail}); waiting for the reset it names`;
export const doServerError = (status: number, detail: string) =>
  `DigitalOcean API error HTTP ${status} (${detail}); will retry with backoff`;
export const doClientError = (status: number, detail: string) =>
  status === 404
    ? `DigitalOcean answered HTTP 404 (${detail}): no such app for this token. Fix digitalocean.appId in deploy-watch.config.json (or DEPLOY_WATCH_APP_ID; doctl apps list shows the ids), or use a token of the app's team`
    : `DigitalOcean API answered HTTP ${status} (${detail})`;
export const doBadJson = (length: number) =>
  `DigitalOcean API answered with malformed JSON (${length} bytes); counted as a failed poll`;
export const doUnexpectedShape = (detail: string) =>
  `DigitalOcean API answer has an unexpected shape (${printable(detail, 160)}); counted as a failed poll`;
export const doWaiting = (ms: number, cause: 'rate limit' | 'failures' | 'pace') =>
  `waiting ${Math.ceil(ms / 1000)}s before the next DigitalOcean request (${
    cause === 'rate limit'
      ? 'rate-limited: HTTP 429 or no requests left in the hour'
      : cause === 'failures'
        ? 'backing off after failed requests'
        : "spacing requests so the token's hourly budget lasts"
  })`;
export const DO_WAITING_FOR_DEPLOYMENT = 'waiting for DigitalOcean to start a deployment of this commit';
export const doSupersededBy = (own: string, next: string) =>
  `superseded by ${next} which contains this commit (own deployment ${own})`;
export const doFailedAt = (step: string | null) =>
  step ? `deployment failed at ${step}` : 'deployment failed (ERROR)';
export const DO_CANCELED = 'deployment was canceled';
export const DO_SUPERSEDED_WAITING = 'superseded; waiting for the replacing deployment to appear';
export const doSupersededWithout = (id: string, commit: string | null) =>
  `superseded by ${id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}, which does not contain this commit`;
// Several App Platform apps per push
export const appSays = (name: string, text: string) => `${name}: ${text}`;
export const appPhase = (name: string, phase: string | null, detail: string | null) =>
  `${name} ${phase ?? 'waiting for its deployment'}${phase && detail ? ` ${detail}` : ''}`;
export const appsAllLive = (listed: string) => `every app is live with this commit: ${listed}`;
export const appLive = (name: string, deploymentId: string | null) =>
  `${name}${deploymentId ? ` (deployment ${deploymentId})` : ''}`;
export const appNotDeployedByPush = (name: string, branch: string) =>
  `${name} left out: a push to ${branch} does not deploy it (its spec)`;
export const appSpecUnread = (name: string, reason: string) =>
  `${name}'s spec could not be read (${reason}), so it is watched`;
export const noAppDeploysBranch = (branch: string, names: string[]) =>
  `none of the apps in digitalocean.apps (${names.join(', ')}) deploys on a push to ${branch} (per each app's spec): set "branch" to the branch they deploy from, or turn on deploy_on_push for ${branch} in the app spec`;
export const logsAppUnknown = (deploymentId: string) =>
  `deployment ${deploymentId} is not one this monitor saw, so its app is unknown; fetch its logs with: ${BIN} logs <sha> --app <name>`;
export const unknownApp = (name: string, names: string[]) =>
  `--app "${printable(name)}" names no app in digitalocean.apps; the apps are: ${names.join(', ')}.`;
export const NO_SOURCE_CONFIGURED =
  'No deployment source is configured, so there is nothing to watch. Set one of: DIGITALOCEAN_ACCESS_TOKEN (or DIGITALOCEAN_TOKEN) plus digitalocean.appId in deploy-watch.config.json (or DEPLOY_WATCH_APP_ID); DATABASE_URL plus a "database" section; or health.url (or DEPLOY_WATCH_HEALTH_URL) for an endpoint that reports the commit it serves.';
export const doNeedsToken =
  'digitalocean.appId (or apps) is set but neither DIGITALOCEAN_ACCESS_TOKEN nor DIGITALOCEAN_TOKEN is: set one (a token with app:read scope) in the environment or ~/.config/deploy-watch/env.';
