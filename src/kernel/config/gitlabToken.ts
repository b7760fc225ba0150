// The GitLab token and API base from the environment, read in one place (the publisher, doctor, the logs'
// redaction). No zod here: the runtime imports it before any config is loaded.

export const DEFAULT_GITLAB_API_URL = 'https://gitlab.com/api/v4';

/** GITLAB_TOKEN, or null (publishing to GitLab off). */
export function gitLabToken(env: NodeJS.ProcessEnv): string | null {
  return env.GITLAB_TOKEN || null;
}

/** GITLAB_API_URL (self-managed: https://<host>/api/v4), without a trailing slash. */
export function gitLabApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.GITLAB_API_URL || DEFAULT_GITLAB_API_URL).replace(/\/+$/, '');
}

/** The GitLab token, kept out of logs. */
export function gitLabTokenSecrets(env: NodeJS.ProcessEnv): string[] {
  const token = gitLabToken(env);
  return token ? [token] : [];
}
