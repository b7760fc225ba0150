// doctor's GitHub check: publishing on or off and why, the repository, and whether the token can write there
// (a read of the repository, its classic scopes when GitHub names them, and a refusal on HEAD's record).
import type { Config } from '../../kernel/config/config.js';
import type { Deps } from '../../deps.js';
import { gitHubToken } from '../../kernel/config/githubToken.js';
import { gitLabToken } from '../../kernel/config/gitlabToken.js';
import * as msg from '../../kernel/messages.js';
import type { Git } from '../../git/git.js';
import { publishTarget } from '../../publish/setup.js';
import type { StatusRecord } from '../../store/statusRecord.js';
import type { CheckResult } from './checks.js';

const NAME = 'GitHub';

/** The classic scopes that allow each write; a fine-grained token's permissions GitHub does not tell. */
const CLASSIC_SCOPES = { statuses: ['repo', 'repo:status'], deployments: ['repo', 'repo_deployment'] } as const;

export async function checkGitHub(
  config: Config,
  deps: { env: NodeJS.ProcessEnv; git: Git; now(): number },
  headRecord: StatusRecord | null,
): Promise<CheckResult> {
  if (!gitHubToken(deps.env))
    return { name: NAME, verdict: 'skip', detail: `${msg.GITHUB_NO_TOKEN}. ${msg.GITHUB_NO_TOKEN_FIX}`, fix: null };
  const wants = (['statuses', 'deployments'] as const).filter((what) => config.github[what]);
  if (wants.length === 0) return { name: NAME, verdict: 'skip', detail: msg.GITHUB_STATUSES_OFF, fix: null };
  const target = await publishTarget(config, deps);
  if (!target) return { name: NAME, verdict: 'warn', detail: msg.GITHUB_NO_REPO, fix: msg.GITHUB_NO_REPO_FIX };
  const { repo, from } = target.choice;
  const fail = (detail: string): CheckResult => ({ name: NAME, verdict: 'fail', detail, fix: msg.GITHUB_TOKEN_FIX });
  const answer = await target.client.get(`/repos/${repo}`);
  if (answer.kind === 'retry')
    return {
      name: NAME,
      verdict: 'warn',
      detail: msg.gitHubUnreachable(target.apiUrl, answer.reason),
      fix: msg.GITHUB_UNREACHABLE_FIX,
    };
  if (answer.kind === 'refused') return fail(msg.gitHubCannotWrite(wants[0]!, repo, answer.status, answer.reason));
  const scopes = answer.scopes?.split(',').map((s) => s.trim());
  const lacking = scopes ? wants.find((what) => !CLASSIC_SCOPES[what].some((s) => scopes.includes(s))) : undefined;
  if (lacking) return fail(msg.gitHubCannotWrite(lacking, repo, 403, `scopes: ${answer.scopes || 'none'}`));
  const refused = headRecord?.published?.refused;
  if (refused) return fail(refused);
  const what = wants.map((w) => (w === 'statuses' ? 'commit statuses' : 'deployments')).join(' and ');
  return { name: NAME, verdict: 'pass', detail: msg.gitHubCanWrite(repo, from, what, scopes !== undefined), fix: null };
}

/** HEAD's record, for a refusal the watcher met publishing it; null without a token or a readable record. */
export async function headRecord(deps: Pick<Deps, 'env' | 'repo' | 'store'>): Promise<StatusRecord | null> {
  const head = deps.repo().head;
  if (!head || !(gitHubToken(deps.env) || gitLabToken(deps.env))) return null;
  // A store that cannot be read (a team database that is down) leaves this to the live check above.
  const read = await deps
    .store()
    .read(head)
    .catch(() => null);
  return read?.status === 'ok' ? read.record : null;
}
