// Whether this watcher publishes, and where to: to GitHub with a token (GITHUB_TOKEN, else GH_TOKEN) and a
// repository, to GitLab with GITLAB_TOKEN and a project; off and silent otherwise (`doctor` says why). Loaded
// by the watcher only, never by `check` or the hook.
import { type Config, configuredApps } from '../kernel/config/config.js';
import { gitHubApiUrl, gitHubToken } from '../kernel/config/githubToken.js';
import { gitLabApiUrl, gitLabToken } from '../kernel/config/gitlabToken.js';
import type { Git } from '../git/git.js';
import { doAccessOf, probeApp } from '../sources/digitalocean/connect.js';
import type { ApiClient } from './apiClient.js';
import { createGitHubClient } from './github/client.js';
import { createGitLabClient } from './gitlab/client.js';
import { gitLabDestination } from './gitlab/destination.js';
import { chainedPublishers, createPublisher, type Publisher, type PublisherOptions, publisherTo } from './publisher.js';
import { chooseRepo, type Forge, gitHubHost, gitLabHost, type RepoChoice, repoFromAppSpec } from './repo.js';
import { statusContexts } from './statuses.js';

const TIMEOUT_MS = 10_000;

export interface PublishDeps {
  env: NodeJS.ProcessEnv;
  git: Git;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The publisher for this config: to GitHub, to GitLab, to both, or null when neither is on. */
export async function publisherFor(
  config: Config,
  deps: PublishDeps,
  log?: PublisherOptions['log'],
): Promise<Publisher | null> {
  const app = lazyApp(config);
  const publishers = [
    await gitHubPublisher(config, deps, app, log),
    await gitLabPublisher(config, deps, app, log),
  ].filter((p): p is Publisher => p !== null);
  if (publishers.length < 2) return publishers[0] ?? null;
  return chainedPublishers(publishers);
}

/** null: no token, `github.statuses` and `github.deployments` both off, or no repository. */
async function gitHubPublisher(
  config: Config,
  deps: PublishDeps,
  app: () => Promise<AppFacts>,
  log?: PublisherOptions['log'],
): Promise<Publisher | null> {
  if (!config.github.statuses && !config.github.deployments) return null;
  const target = await publishTarget(config, deps, app);
  if (!target) return null;
  const apps = configuredApps(config);
  return createPublisher({
    client: target.client,
    repo: target.choice.repo,
    contexts: config.github.statuses ? statusContexts(apps.map((a) => a.name)) : [],
    environment: config.github.deployments ? config.github.environment : null,
    appId: oneAppId(config),
    environmentUrl: async () => (await app())?.live_url ?? null,
    now: deps.now,
    sleep: deps.sleep,
    ...(log ? { log } : {}),
  });
}

/** null: no GITLAB_TOKEN, `gitlab.statuses` off, or no project. */
async function gitLabPublisher(
  config: Config,
  deps: PublishDeps,
  app: () => Promise<AppFacts>,
  log?: PublisherOptions['log'],
): Promise<Publisher | null> {
  if (!config.gitlab.statuses) return null;
  const target = await gitLabTarget(config, deps, app);
  if (!target) return null;
  const destination = gitLabDestination({
    client: target.client,
    project: target.choice.repo,
    contexts: statusContexts(configuredApps(config).map((a) => a.name)),
    appId: oneAppId(config),
  });
  return publisherTo(destination, { now: deps.now, sleep: deps.sleep, ...(log ? { log } : {}) });
}

const oneAppId = (config: Config) => {
  const apps = configuredApps(config);
  return apps.length === 1 ? apps[0]!.id : null;
};

type Target = { client: ApiClient; choice: RepoChoice; apiUrl: string };
type TargetDeps = Pick<PublishDeps, 'env' | 'git' | 'now'>;

/** Where each service's token, API base, host and configured repository come from. */
const FORGES = {
  github: {
    token: gitHubToken,
    apiUrl: gitHubApiUrl,
    host: gitHubHost,
    client: createGitHubClient,
    configured: (config: Config) => config.github.repo,
  },
  gitlab: {
    token: gitLabToken,
    apiUrl: gitLabApiUrl,
    host: gitLabHost,
    client: createGitLabClient,
    configured: (config: Config) => (config.gitlab.project === undefined ? undefined : String(config.gitlab.project)),
  },
} as const;

/** GitHub's client and the repository, or null without a token or a repository (also what `doctor` checks). */
export const publishTarget = (config: Config, deps: TargetDeps, app?: () => Promise<AppFacts>) =>
  forgeTarget('github', config, deps, app);

/** GitLab's client and the project, or null without a token or a project (also what `doctor` checks). */
export const gitLabTarget = (config: Config, deps: TargetDeps, app?: () => Promise<AppFacts>) =>
  forgeTarget('gitlab', config, deps, app);

async function forgeTarget(
  forge: Forge,
  config: Config,
  deps: TargetDeps,
  app = lazyApp(config),
): Promise<Target | null> {
  const how = FORGES[forge];
  const token = how.token(deps.env);
  if (!token) return null;
  const apiUrl = how.apiUrl(deps.env);
  const choice = await chooseRepo({
    configured: how.configured(config),
    remoteUrl: await remoteUrl(deps.git, config.remote),
    host: how.host(apiUrl),
    forge,
    appSpecRepo: async () => repoFromAppSpec((await app())?.spec, forge),
  });
  if (!choice) return null;
  return { client: how.client({ apiUrl, token, timeoutMs: TIMEOUT_MS, now: deps.now }), choice, apiUrl };
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
