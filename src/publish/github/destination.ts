// GitHub as a destination: commit statuses per context, and with an environment a Deployment per commit and
// its statuses. What was published is the record's `published` itself (its `gitlab` part is GitLab's).
import * as msg from '../../kernel/messages.js';
import type { Published, StatusRecord } from '../../store/statusRecord.js';
import { deploymentState, deploymentStatusOf, newDeployment } from '../deployments.js';
import type { Change, Destination, Step } from '../destination.js';
import type { PublisherOptions } from '../publisher.js';
import { type CommitStatus, commitStatusesOf, statusKey } from '../statuses.js';

type GitHubPart = Omit<Published, 'gitlab'>;
type GitHubChange = Change & ({ kind: 'status'; status: CommitStatus } | { kind: 'deployment'; record: StatusRecord });

const DEPLOYMENT_KEY = 'deployment';

export function gitHubDestination(opts: PublisherOptions): Destination<GitHubPart, GitHubChange> {
  const base = `/repos/${opts.repo}`;
  return {
    client: opts.client,
    target: opts.repo,
    partOf: (published) => {
      if (published?.repo !== opts.repo) return null;
      const { gitlab: _gitLabs, ...part } = published;
      return part;
    },
    withPart: (published, part) => ({ ...published, ...part }),
    empty: () => ({ repo: opts.repo, statuses: {}, deployment: null, refused: null }),
    posted: (part) => ({
      ...part?.statuses,
      ...(part?.deployment?.state ? { [DEPLOYMENT_KEY]: part.deployment.state } : {}),
    }),
    changes: (record) => [
      ...commitStatusesOf(record, opts.contexts, opts.appId).map(
        (status): GitHubChange => ({ kind: 'status', key: status.context, value: statusKey(status), status }),
      ),
      ...(opts.environment === null
        ? []
        : [{ kind: 'deployment', key: DEPLOYMENT_KEY, value: deploymentState(record.state), record } as const]),
    ],
    step: async (change, part, sha) => {
      if (change.kind === 'status')
        return {
          what: 'statuses',
          path: `${base}/statuses/${sha}`,
          body: change.status,
          completes: true,
          done: (_answer, into) => {
            into.statuses = { ...into.statuses, [change.key]: change.value };
          },
        };
      const deployment = part.deployment;
      if (!deployment)
        return {
          what: 'deployments',
          path: `${base}/deployments`,
          body: newDeployment(sha, opts.environment ?? 'production'),
          completes: false,
          done: (answer, into) => {
            const id = (answer.body as { id?: unknown } | null)?.id;
            into.deployment = { id: typeof id === 'number' ? id : 0, state: null };
          },
        };
      const { record } = change;
      const environmentUrl = change.value === 'success' ? await opts.environmentUrl() : null;
      const status = deploymentStatusOf(record, opts.appId, environmentUrl);
      return {
        what: 'deployments',
        path: `${base}/deployments/${deployment.id}/statuses`,
        body: status,
        completes: true,
        done: (_answer, into) => {
          into.deployment = { ...deployment, state: status.state };
        },
      } satisfies Step<GitHubPart>;
    },
    refusal: (step, answer) =>
      msg.gitHubCannotWrite(step.what as 'statuses' | 'deployments', opts.repo, answer.status, answer.reason),
    gaveUp: (seconds, reason) => msg.publishGaveUp('GitHub', seconds, reason),
  };
}
