// Messages of team mode: the team store, its push queue, the lease and `serve`.

import { printable } from './common.js';

export const teamStoreOffline = (detail: string) =>
  `warning: the team store (DEPLOY_WATCH_STORE_URL) cannot be reached (${printable(detail, 200)}); working on this machine's files until it can, then uploading what was recorded.`;
export const teamQueueOffline = (detail: string) =>
  `warning: the team's push queue (DEPLOY_WATCH_STORE_URL) cannot be reached (${printable(detail, 200)}); pushing without waiting for other machines (a race is caught by git and retried).`;
export const teamQueueRefused = (detail: string) =>
  `warning: the team store refused the push queue (${printable(detail, 300)}); pushing without waiting for other machines. Check the role's grants (README: team mode; after an upgrade, migrate once with the owner's URL).`;
export const teamStoreFailed = (detail: string) =>
  `The team store (DEPLOY_WATCH_STORE_URL) refused: ${printable(detail, 300)}. Check the role's grants (README: team mode), the password and the database name.`;
export const teamPollerLine = (host: string, pid: number, epoch: number, renewed: string) =>
  `team poller: ${host} PID ${pid} (lease epoch ${epoch}, renewed ${renewed})`;
export const NO_TEAM_POLLER = 'team poller: none yet (the first watcher that has a commit to follow takes the lease)';
export const teamPollerGone = (host: string, pid: number, renewed: string) =>
  `team poller: none (the last, ${host} PID ${pid}, renewed its lease ${renewed}; the next watcher takes it)`;
export const leaseLost = (epoch: number) => `the polling lease (epoch ${epoch}) was lost: another machine polls now`;
export const pollerLeft = (why: string) => `the poller left (${why}): the next lease holder goes on`;
export const SERVE_NEEDS_TEAM =
  "serve is the team's long-running poller and needs team mode: set DEPLOY_WATCH_STORE_URL to the team's PostgreSQL (README: team mode). Without it each clone watches its own pushes and nothing is shared.";
export const badHealthPort = (value: string) =>
  `--health-port must be a port number from 0 to 65535 (0: any free port), not "${printable(value, 40)}".`;
export const badHealthHost = (value: string) =>
  `--health-host must be an IP address to listen on (127.0.0.1, or 0.0.0.0 for probes from outside a container), not "${printable(value, 60)}".`;
export const healthListenFailed = (host: string, port: number, detail: string) =>
  `--health-port: cannot listen on ${host}:${port} (${printable(detail, 120)}). Choose another port, or 0 for any free one.`;
