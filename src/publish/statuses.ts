// What a commit's record means as a GitHub commit status: `pending` while it builds and deploys, then
// `success`, `failure` or `error`, with a description that names the phase or the failed step (at most 140
// characters, GitHub's bound) and the deployment's page in the DigitalOcean control panel.
import * as msg from '../kernel/messages.js';
import type { DeployState, StatusRecord } from '../store/statusRecord.js';

export type CommitStatusState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  state: CommitStatusState;
  description: string;
  context: string;
  target_url?: string;
}

export const STATUS_CONTEXT = 'deploy-watch';
export const MAX_DESCRIPTION = 140;

/** failed, canceled and superseded are the deployment's verdict; timeout and stopped say deploy-watch could not tell. */
const STATE: Record<DeployState, CommitStatusState> = {
  pending: 'pending',
  building: 'pending',
  deploying: 'pending',
  success: 'success',
  failed: 'failure',
  canceled: 'failure',
  superseded: 'failure',
  timeout: 'error',
  stopped: 'error',
};

export function commitStatusState(state: DeployState): CommitStatusState {
  return STATE[state];
}

/** The context: `deploy-watch`, or one per app (`deploy-watch/<app name>`) with several apps. */
export function statusContexts(appNames: readonly (string | null)[]): string[] {
  const named = appNames.filter((n): n is string => n !== null);
  return named.length > 1 ? named.map((name) => `${STATUS_CONTEXT}/${name}`) : [STATUS_CONTEXT];
}

/** The phase while in progress, the recorded reason once it ended; the app it concerns first with several. */
export function statusDescription(record: StatusRecord): string {
  const words = describe(record);
  const text = record.app && record.state !== 'success' ? `${record.app.name}: ${words}` : words;
  return clip(text.replace(/\s+/g, ' ').trim());
}

function describe(record: StatusRecord): string {
  switch (record.state) {
    case 'pending': // one description before and after the deployment appears (PENDING_BUILD): one status, not two
      return msg.STATUS_WAITING;
    case 'building':
      return msg.STATUS_BUILDING;
    case 'deploying':
      return msg.STATUS_DEPLOYING;
    case 'success':
      return record.source === 'digitalocean' ? msg.STATUS_LIVE : msg.STATUS_DEPLOYED;
    default:
      return capitalised(record.message ?? msg.statusEnded(record.state));
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function clip(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_DESCRIPTION ? text : `${chars.slice(0, MAX_DESCRIPTION - 1).join('')}…`;
}

/** The deployment's page in the DigitalOcean control panel, when the record names one. */
export function controlPanelUrl(record: StatusRecord, appId: string | null): string | null {
  const app = record.app?.id ?? appId;
  if (record.source !== 'digitalocean' || !record.deploymentId || !app) return null;
  return `https://cloud.digitalocean.com/apps/${encodeURIComponent(app)}/deployments/${encodeURIComponent(record.deploymentId)}`;
}

/** The statuses the record calls for, one per context. */
export function commitStatusesOf(
  record: StatusRecord,
  contexts: readonly string[],
  appId: string | null,
): CommitStatus[] {
  const url = controlPanelUrl(record, appId);
  const state = commitStatusState(record.state);
  const description = statusDescription(record);
  return contexts.map((context) => ({ state, description, context, ...(url ? { target_url: url } : {}) }));
}

/** What the record keeps of a posted status, to tell a change from a repeat. */
export const statusKey = (status: Pick<CommitStatus, 'state' | 'description'>) =>
  `${status.state}: ${status.description}`;
