// GitLab as a destination: one commit status per name (`deploy-watch`, one per app with several), through
// GitLab's states: pending, then running, then success, failed or canceled. A state is posted once: GitLab
// refuses a repeat (running → running), so a new phase in the same state (building → deploying) is no change.
import * as msg from '../../kernel/messages.js';
import type { DeployState, GitLabPublished } from '../../store/statusRecord.js';
import type { Change, Destination } from '../destination.js';
import type { PublisherOptions } from '../publisher.js';
import { controlPanelUrl, statusDescription } from '../statuses.js';
import { projectPath } from './client.js';

export type GitLabState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

/** timeout and stopped: deploy-watch could not tell, said in the description of a failed status. */
const STATE: Record<DeployState, GitLabState> = {
  pending: 'pending',
  building: 'running',
  deploying: 'running',
  success: 'success',
  failed: 'failed',
  canceled: 'canceled',
  superseded: 'canceled',
  timeout: 'failed',
  stopped: 'failed',
};

export function gitLabState(state: DeployState): GitLabState {
  return STATE[state];
}

export interface GitLabStatus {
  state: GitLabState;
  name: string;
  description: string;
  target_url?: string;
}

type GitLabChange = Change & { status: GitLabStatus };

export type GitLabOptions = Pick<PublisherOptions, 'client' | 'contexts' | 'appId'> & {
  /** "group/name" or the project's id. */
  project: string;
};

export function gitLabDestination(opts: GitLabOptions): Destination<GitLabPublished, GitLabChange> {
  const path = `${projectPath(opts.project)}/statuses`;
  return {
    client: opts.client,
    target: opts.project,
    partOf: (published) => (published?.gitlab?.project === opts.project ? published.gitlab : null),
    // Without GitHub publishing, its fields stay empty: `published.repo` is "".
    withPart: (published, part) => ({
      ...(published ?? { repo: '', statuses: {}, deployment: null, refused: null }),
      gitlab: part,
    }),
    empty: () => ({ project: opts.project, statuses: {}, refused: null }),
    posted: (part) => ({ ...part?.statuses }),
    changes: (record) => {
      const url = controlPanelUrl(record, opts.appId);
      const state = gitLabState(record.state);
      const description = statusDescription(record);
      return opts.contexts.map((name) => ({
        key: name,
        value: state,
        status: { state, name, description, ...(url ? { target_url: url } : {}) },
      }));
    },
    step: async (change, _part, sha) => ({
      what: 'statuses',
      path: `${path}/${sha}`,
      body: change.status,
      completes: true,
      done: (_answer, into) => {
        into.statuses = { ...into.statuses, [change.key]: change.value };
      },
    }),
    refusal: (_step, answer) => msg.gitLabCannotWrite(opts.project, answer.status, answer.reason),
    gaveUp: (seconds, reason) => msg.publishGaveUp('GitLab', seconds, reason),
  };
}
