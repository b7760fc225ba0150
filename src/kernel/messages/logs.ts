// Messages about the provider's logs: after a failure, and `deploy-watch logs`.

import { BIN, printable } from './common.js';

/** errno's own words first, so the state folder's wrapper (stateDirUnusable) adds the one fix: free space. */
export const shortWrite = (path: string, wrote: number, of: number) =>
  `no space left on device: ${wrote} of ${of} bytes of ${path} were written, so it was not replaced and its previous version is kept`;
export const logHeader = (type: string, deploymentId: string) => `=== ${type} logs of deployment ${deploymentId} ===`;
export const logHeaderMissing = (type: string, deploymentId: string, reason: string) =>
  `=== ${type} logs of deployment ${deploymentId}: not available (${reason}) ===`;
export const LOGS_NO_ANSWER_YET = 'no answer from DigitalOcean yet';
export const LOGS_NOT_ARCHIVED = 'DigitalOcean has not archived the logs yet (historic_urls is empty)';
export const LOGS_MONITOR_STOPPED = 'the monitor was stopped before the logs arrived';
export const logsBudgetSpent = (last: string) =>
  `gave up within the log budget (digitalocean.logBudget); last answer: ${last}`;
export const logUrlFailed = (detail: string) => `the pre-signed log URL answered ${printable(detail, 120)}`;
export const logsBeingFetched = (until: string | null) =>
  `The build and deploy logs are being fetched${until ? ` (until ${until.slice(11, 19)} UTC at the latest)` : ''}; run check again for them.`;
export const logsPartialFetching = (present: readonly string[], pending: readonly string[], until: string | null) =>
  `Partial log: the ${present.join(' and ')} log is below; the ${pending.join(' and ')} log is still being fetched${until ? ` (until ${until.slice(11, 19)} UTC at the latest)` : ''}; run check again for it.`;
export const logsFetchInterrupted = (short: string, until: string | null, present: readonly string[]) =>
  `The log fetch was interrupted: it was to end by ${until ? `${until.slice(11, 19)} UTC` : 'now'}, but the monitor stopped or died before it wrote how it went${present.length > 0 ? `, so the ${present.join(' and ')} log below is partial` : ''}. Fetch the logs with: ${BIN} logs ${short}.`;
export const logsPartialMissing = (short: string, present: readonly string[], reason: string | null) =>
  `Partial log: only the ${present.join(' and ')} log is below; the rest is missing${reason ? `: ${printable(reason, 400)}` : ''}. Fetch it later with: ${BIN} logs ${short}.`;
export const logsMissing = (short: string, reason: string | null) =>
  `The logs are missing${reason ? `: ${printable(reason, 400)}` : ''}. Fetch them later with: ${BIN} logs ${short}.`;
export const noDeploymentKnown = (short: string) =>
  `No DigitalOcean deployment is known for ${short}: no record names one and none in the app's recent deployments was built from it. Check the sha, or wait for the deployment to appear (${BIN} check ${short} --wait 600).`;
export const logsNeedDigitalOcean = `${BIN} logs reads DigitalOcean App Platform logs: set "digitalocean": {"appId": "<app uuid>"} (or "apps") in deploy-watch.config.json and DIGITALOCEAN_ACCESS_TOKEN (or DIGITALOCEAN_TOKEN) in the environment.`;
export const logsFromTeamStore = (short: string) =>
  `(the logs of ${short} as the team's poller stored them: neither DIGITALOCEAN_ACCESS_TOKEN nor DIGITALOCEAN_TOKEN is set on this machine)`;
export const logsNotFetched = (short: string, reason: string) =>
  `The logs of ${short} could not be fetched: ${printable(reason, 400)}. Try again later: ${BIN} logs ${short}.`;
export const logsPartial = (short: string, present: readonly string[], reason: string) =>
  `Only the ${present.join(' and ')} log of ${short} is here; the rest could not be fetched: ${printable(reason, 400)}. Try again later: ${BIN} logs ${short}.`;
export const logsWaiting = (
  short: string,
  deploymentId: string,
  need: readonly string[],
  have: readonly string[],
  until: string,
) =>
  `${have.length > 0 ? `The ${have.join(' and ')} log of ${short} is saved; waiting` : 'Waiting'} for the ${need.join(' and ')} log of deployment ${deploymentId} from DigitalOcean (giving up at ${until.slice(11, 19)} UTC, digitalocean.logBudget)…`;
export const LIVE_LOG_UNSUPPORTED =
  'the live log URL is a websocket (wss://), which this version cannot follow; showing the archived logs instead';

export const badLogType = (value: string) => `--type must be build, deploy or run; got "${printable(value)}".`;
export const logsStillRunning = (short: string, deploymentId: string, phase: string) =>
  `Deployment ${deploymentId} of ${short} is still running (${phase}); its logs are archived when it ends. Follow them live with: ${BIN} logs ${short} --follow.`;
