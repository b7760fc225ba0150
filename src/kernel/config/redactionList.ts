// The one list of secret values the logs never show, for the tool's log (runtime.ts) and serve's stdout alike:
// every secret the config reads from the environment, whole and, for a URL, its password on its own too.
import { urlPasswords } from '../redact.js';
import { digitalOceanTokenSecrets } from './doToken.js';
import { gitHubTokenSecrets } from './githubToken.js';
import { gitLabTokenSecrets } from './gitlabToken.js';
import { teamModeOf } from './teamMode.js';

export function redactionList(env: NodeJS.ProcessEnv): string[] {
  const team = teamModeOf(env);
  const urls = [env.DATABASE_URL || null, team?.url ?? null, team?.listenUrl ?? null].filter(
    (url): url is string => url !== null,
  );
  // The DigitalOcean token under both names (the one used and the one it won over), GitHub's likewise, GitLab's.
  return [
    ...digitalOceanTokenSecrets(env),
    ...gitHubTokenSecrets(env),
    ...gitLabTokenSecrets(env),
    ...urls,
    ...urls.flatMap(urlPasswords),
  ];
}
