// Whether this watcher publishes, and where to: on with a token (GITHUB_TOKEN, else GH_TOKEN) and a
// repository; off and silent otherwise (`doctor` says why). Loaded by the watcher only, never by `check` or
// the hook.
import { type Config, configuredApps } from '../kernel/config/config.js';
import { gitHubApiUrl, gitHubToken } from '../kernel/config/githubToken.js';
import type { Git } from '../git/git.js';
import { doAccessOf, probeApp } from '../sources/digitalocean/connect.js';
import { createGitHubClient, type GitHubClient } from './github/client.js';
import { createPublisher, type Publisher, type PublisherOptions } from './publisher.js';
import { chooseRepo, gitHubHost, type RepoChoice, repoFromAppSpec } from './repo.js';
import { statusContexts } from './statuses.js';

const TIMEOUT_MS = 10_000;

export interface PublishDeps {
  env: NodeJS.ProcessEnv;
  git: Git;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The publisher for this config, or null: no token, `github.statuses` and `github.deployments` both off, or no repository. */
export async function publisherFor(
  config: Config,
  deps: PublishDeps,
  log?: PublisherOptions['log'],
): Promise<Publisher | null> {
  if (!config.github.statuses && !config.github.deployments) return null;
  const app = lazyApp(config);
  const target = await publishTarget(config, deps, app);
  if (!target) return null;
  const apps = configuredApps(config);
  return createPublisher({
    client: target.client,
    repo: target.choice.repo,
    contexts: config.github.statuses ? statusContexts(apps.map((a) => a.name)) : [],
    environment: config.github.deployments ? config.github.environment : null,
    appId: apps.length === 1 ? apps[0]!.id : null,
    environmentUrl: async () => (await app())?.live_url ?? null,
    now: deps.now,
    sleep: deps.sleep,
    ...(log ? { log } : {}),
  });
}

/** The client and the repository, or null without a token or a repository (also what `doctor` checks). */
export async function publishTarget(
  config: Config,
  deps: Pick<PublishDeps, 'env' | 'git' | 'now'>,
  app = lazyApp(config),
): Promise<{ client: GitHubClient; choice: RepoChoice; apiUrl: string } | null> {
  const token = gitHubToken(deps.env);
  if (!token) return null;
  const apiUrl = gitHubApiUrl(deps.env);
  const choice = await chooseRepo({
    configured: config.github.repo,
    remoteUrl: await remoteUrl(deps.git, config.remote),
    host: gitHubHost(apiUrl),
    appSpecRepo: async () => repoFromAppSpec((await app())?.spec),
  });
  if (!choice) return null;
  return { client: createGitHubClient({ apiUrl, token, timeoutMs: TIMEOUT_MS, now: deps.now }), choice, apiUrl };
}

async function remoteUrl(git: Git, remote: string): Promise<string | null> {
  const got = await git.run(['remote', 'get-url', remote], { allowFailure: true }).catch(() => null);
  return got?.exitCode === 0 ? got.stdout.trim() || null : null;
}

/** The one app's spec and live URL from DigitalOcean, asked at most once, only when needed. */
type AppFacts = { spec?: unknown; live_url?: string } | null;

function lazyApp(config: Config): () => Promise<AppFacts> {
  let asked: Promise<AppFacts> | null = null;
  return () => {
    const apps = configuredApps(config);
    const access = doAccessOf(config);
    if (apps.length !== 1 || !access) return Promise.resolve(null);
    asked ??= probeApp(access, apps[0]!.id, TIMEOUT_MS).then((got) =>
      got.kind === 'answer' && got.ok ? ((got.body as { app?: AppFacts } | undefined)?.app ?? null) : null,
    );
    return asked;
  };
}
