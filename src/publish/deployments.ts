// A GitHub Deployment for the followed commit (with `github.deployments: true`) and its statuses: what
// GitHub's environments page, `gh api …/deployments` and deployment-aware bots read.
import type { DeployState, StatusRecord } from '../store/statusRecord.js';
import { commitStatusState, controlPanelUrl, statusDescription } from './statuses.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

/** The commit status's verdict, with GitHub's word for a Deployment still under way. */
export function deploymentState(state: DeployState): DeploymentState {
  const verdict = commitStatusState(state);
  return verdict === 'pending' ? 'in_progress' : verdict;
}

/** The body of POST /repos/{owner}/{repo}/deployments: the sha itself, no merge, no required contexts. */
export function newDeployment(sha: string, environment: string) {
  return {
    ref: sha,
    environment,
    auto_merge: false,
    required_contexts: [] as string[],
    description: 'deploy-watch: App Platform deployment',
    production_environment: environment === 'production',
  };
}

/** The body of POST …/deployments/{id}/statuses: the state, the DigitalOcean page, and the app's URL once live. */
export function deploymentStatusOf(
  record: StatusRecord,
  appId: string | null,
  environmentUrl: string | null,
): { state: DeploymentState; description: string; log_url?: string; environment_url?: string } {
  const state = deploymentState(record.state);
  const logUrl = controlPanelUrl(record, appId);
  return {
    state,
    description: statusDescription(record),
    ...(logUrl ? { log_url: logUrl } : {}),
    ...(environmentUrl && state === 'success' ? { environment_url: environmentUrl } : {}),
  };
}
