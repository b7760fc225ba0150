// `deploy-watch doctor`: checks the setup, one line per check with a fix for each failure.
import type { Deps } from '../../deps.js';
import { DeployWatchError } from '../../kernel/errors.js';
import { EXIT } from '../../kernel/exitCodes.js';
import type { Config } from '../../kernel/config/config.js';
import { buildDatabaseSource } from '../../sources/index.js';
import type { Source } from '../../sources/source.js';
import {
  checkDigitalOcean,
  checkHooks,
  checkNode,
  checkSourcesConfigured,
  checkStateDir,
  type CheckResult,
} from './checks.js';
import { checkGitHub, headRecord } from './github.js';
import { checkGitLab } from './gitlab.js';
import { checkHealth } from './health.js';
import { renderDoctor } from './render.js';
import { listWorktrees } from '../../hooks/worktreeRunners.js';

export async function runDoctor(deps: Deps): Promise<number> {
  const results: CheckResult[] = [checkNode()];
  const repo = deps.repo();
  const hooksPath =
    deps.git().runSync(['config', '--get', 'core.hooksPath'], { allowFailure: true }).stdout.trim() || null;
  results.push(checkHooks({ topLevel: repo.topLevel, hooksPath, worktrees: listWorktrees(deps.git()) }));
  let config: Config | null = null;
  try {
    config = await deps.config();
    results.push({ name: 'config', verdict: 'pass', detail: `valid (${config.origin})`, fix: null });
  } catch (error) {
    if (!(error instanceof DeployWatchError)) throw error;
    results.push({
      name: 'config',
      verdict: 'fail',
      detail: error.message,
      fix: "Fix each problem it names (all are listed); see the README's Configuration section.",
    });
  }
  if (config) {
    results.push(checkSourcesConfigured(config));
    results.push(...(await checkDigitalOcean(config)));
    results.push(await checkHealth(config, repo.head));
    results.push(
      await checkSource(
        'database',
        config.database && !config.secrets.databaseUrl ? 'DATABASE_URL is not set' : await buildDatabaseSource(config),
        repo.head,
        'Check DATABASE_URL and database.query.',
      ),
    );
  }
  if (config) {
    const head = await headRecord(deps);
    const publishDeps = { env: deps.env, git: deps.git(), now: deps.now };
    results.push(await checkGitHub(config, publishDeps, head), await checkGitLab(config, publishDeps, head));
  }
  results.push(checkStateDir(deps.stateDir()));
  renderDoctor(results, deps);
  return results.some((r) => r.verdict === 'fail') ? EXIT.failed : EXIT.success;
}

/** One poll of a source for HEAD: any answer means it is reachable; "unavailable" is the failure. */
async function checkSource(
  name: string,
  source: Source | string | null,
  head: string | null,
  fix: string,
): Promise<CheckResult> {
  if (source === null) return { name, verdict: 'skip', detail: 'not configured', fix: null };
  if (typeof source === 'string') return { name, verdict: 'fail', detail: source, fix };
  try {
    const seen = await source.observe({ sha: head ?? '0'.repeat(40), branch: null });
    if (seen.kind === 'unavailable') return { name, verdict: 'fail', detail: seen.reason, fix };
    return {
      name,
      verdict: 'pass',
      detail: `answering (for HEAD: ${seen.state}${seen.phase ? `, ${seen.phase}` : ''})`,
      fix: null,
    };
  } finally {
    await source.close?.();
  }
}
