// doctor's GitLab check: publishing on or off and why, the project, and whether the token can write commit
// statuses there (a read of the project and the token's role in it; a refusal on HEAD's record).
import type { Config } from '../../kernel/config/config.js';
import { gitLabToken } from '../../kernel/config/gitlabToken.js';
import * as msg from '../../kernel/messages.js';
import type { Git } from '../../git/git.js';
import { projectPath } from '../../publish/gitlab/client.js';
import { gitLabTarget } from '../../publish/setup.js';
import type { StatusRecord } from '../../store/statusRecord.js';
import type { CheckResult } from './checks.js';

const NAME = 'GitLab';
/** GitLab's Developer role: the least that may post commit statuses. */
const DEVELOPER = 30;

type Access = { access_level?: unknown } | null | undefined;

export async function checkGitLab(
  config: Config,
  deps: { env: NodeJS.ProcessEnv; git: Git; now(): number },
  headRecord: StatusRecord | null,
): Promise<CheckResult> {
  if (!gitLabToken(deps.env))
    return { name: NAME, verdict: 'skip', detail: `${msg.GITLAB_NO_TOKEN}. ${msg.GITLAB_NO_TOKEN_FIX}`, fix: null };
  if (!config.gitlab.statuses) return { name: NAME, verdict: 'skip', detail: msg.GITLAB_STATUSES_OFF, fix: null };
  const target = await gitLabTarget(config, deps);
  if (!target) return { name: NAME, verdict: 'warn', detail: msg.GITLAB_NO_PROJECT, fix: msg.GITLAB_NO_PROJECT_FIX };
  const { repo: project, from } = target.choice;
  const fail = (detail: string): CheckResult => ({ name: NAME, verdict: 'fail', detail, fix: msg.GITLAB_TOKEN_FIX });
  const answer = await target.client.get(projectPath(project));
  if (answer.kind === 'retry')
    return {
      name: NAME,
      verdict: 'warn',
      detail: msg.gitHubUnreachable(target.apiUrl, answer.reason),
      fix: msg.GITLAB_UNREACHABLE_FIX,
    };
  if (answer.kind === 'refused') return fail(msg.gitLabCannotWrite(project, answer.status, answer.reason));
  const permissions = (answer.body as { permissions?: { project_access?: Access; group_access?: Access } } | null)
    ?.permissions;
  const levels = [permissions?.project_access, permissions?.group_access]
    .map((a) => a?.access_level)
    .filter((l): l is number => typeof l === 'number');
  if (levels.length > 0 && Math.max(...levels) < DEVELOPER)
    return fail(msg.gitLabCannotWrite(project, 403, `access level ${Math.max(...levels)}`));
  const refused = headRecord?.published?.gitlab?.refused;
  if (refused) return fail(refused);
  return { name: NAME, verdict: 'pass', detail: msg.gitLabCanRead(project, from), fix: null };
}
