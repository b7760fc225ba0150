// Which GitHub repository the outcomes go to: `github.repo`, else the one the remote's URL names (https, ssh
// and scp-like `git@host:owner/name` forms), else the one the DigitalOcean app's spec deploys from. The same
// for GitLab's project (`gitlab.project`; "group/sub/name" paths; the spec's `gitlab.repo`).

export interface RepoChoice {
  /** owner/name */
  repo: string;
  from: 'config' | 'remote' | 'app spec';
}

const OWNER_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A GitLab project's path: a group, any subgroups, the name. */
export const GROUP_PATH = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+$/;
/** Where each service's remotes and app specs name a repository. */
export type Forge = 'github' | 'gitlab';
const SHAPE: Record<Forge, RegExp> = { github: OWNER_NAME, gitlab: GROUP_PATH };

/** The GitHub host the API base belongs to: github.com for api.github.com, else the Enterprise Server's host. */
export function gitHubHost(apiUrl: string): string {
  try {
    const host = new URL(apiUrl).hostname.toLowerCase();
    return host === 'api.github.com' ? 'github.com' : host;
  } catch {
    // GITHUB_API_URL is not a URL: the requests fail naming it; the remote is read as github.com meanwhile
    return 'github.com';
  }
}

/** The GitLab host the API base belongs to: gitlab.com's, or a self-managed instance's. */
export function gitLabHost(apiUrl: string): string {
  try {
    return new URL(apiUrl).hostname.toLowerCase();
  } catch {
    return 'gitlab.com'; // GITLAB_API_URL is no URL: its requests fail and say so; remotes are read as gitlab.com's
  }
}

/** owner/name (GitLab: group/…/name) from a remote URL on `host`, or null for any other host or shape. */
export function repoFromRemoteUrl(url: string, host = 'github.com', forge: Forge = 'github'): string | null {
  const trimmed = url.trim();
  let at: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return null; // not a URL after all: no repository to read from it
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol)) return null;
    at = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scp) {
    at = scp[1]!;
    path = scp[2]!;
  } else return null;
  if (at.toLowerCase() !== host.toLowerCase()) return null;
  const repo = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  return SHAPE[forge].test(repo) ? repo : null;
}

const KINDS = ['services', 'workers', 'jobs', 'static_sites', 'functions'] as const;

/** The repository an App Platform spec's components deploy from (`github.repo`, `gitlab.repo`), the first one named. */
export function repoFromAppSpec(spec: unknown, forge: Forge = 'github'): string | null {
  if (typeof spec !== 'object' || spec === null) return null;
  for (const kind of KINDS) {
    const list = (spec as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) continue;
    for (const component of list as Array<Partial<Record<Forge, { repo?: unknown } | null>> | null>) {
      const repo = component?.[forge]?.repo;
      if (typeof repo === 'string' && SHAPE[forge].test(repo)) return repo;
    }
  }
  return null;
}

/** The first of the three that names a repository; the app spec is asked only when the other two do not. */
export async function chooseRepo(opts: {
  configured: string | null | undefined;
  remoteUrl: string | null;
  host: string;
  forge?: Forge;
  appSpecRepo(): Promise<string | null>;
}): Promise<RepoChoice | null> {
  if (opts.configured) return { repo: opts.configured, from: 'config' };
  const fromRemote = opts.remoteUrl ? repoFromRemoteUrl(opts.remoteUrl, opts.host, opts.forge) : null;
  if (fromRemote) return { repo: fromRemote, from: 'remote' };
  const fromSpec = await opts.appSpecRepo();
  return fromSpec ? { repo: fromSpec, from: 'app spec' } : null;
}
